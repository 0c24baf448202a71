//! The built extension in each browser: a token the replica page shows, however the page shows
//! it, is saved once with the typed name, listed in the popup and copyable.

use std::thread;
use std::time::Duration;

use e2e::{
    assert_nothing_saved, assert_saved_among, assert_saved_once, create_and_wait,
    expect_saved_notice, token_records, wait_until, After, Browser, Kind, OauthPage, Options,
    PageOptions, Server, Show, SAVE_TIMEOUT,
};
use serde_json::Value;

const ACME: &str = "acme.intratool.de";
const BETA: &str = "beta.intratool.de";

/// Longer than the extension's 250 ms field poll plus a save: a second save of the same token
/// would have happened by then.
const SETTLE: Duration = Duration::from_millis(600);

e2e::in_each_browser!(
    saves_lists_and_copies_a_created_token,
    saves_a_token_set_as_textarea_text_once,
    saves_a_token_set_as_a_read_only_input_value_once,
    saves_a_token_inserted_as_code_once,
    saves_a_token_put_into_a_dialog_before_show_modal,
    saves_a_token_inserted_into_an_open_shadow_root,
    saves_a_token_under_a_strict_page_csp,
    saves_a_token_the_server_answers_after_three_seconds,
    saves_a_token_rendered_five_times_once,
    saves_a_token_whose_field_is_replaced_five_times_once,
    saves_a_token_shown_for_only_150_ms,
    keeps_tokens_of_two_tenants_apart,
    saves_nothing_when_no_token_is_created,
    speaks_german_in_a_german_browser,
);

fn saves_lists_and_copies_a_created_token(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;

    let issued = create_and_wait(&browser, &server, ACME, PageOptions::default(), "CI Deploy")?;

    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &issued, "CI Deploy");
    browser.open_popup()?;
    let (name, tenant) = first_popup_entry(&browser, &dump)?;
    assert_eq!(name, "CI Deploy", "popup entry's .name; storage: {dump:#}");
    assert!(
        tenant.contains("acme"),
        "popup entry's .tenant should name acme, was {tenant:?}"
    );
    browser.screenshot(&format!("popup-{}", kind.name()))?;
    browser
        .session()
        .find("#tokens li.token button.copy")?
        .click()?;
    let token = issued.token;
    let pasted = wait_until("the clipboard to hold the token", SAVE_TIMEOUT, || {
        Ok(Some(browser.paste_clipboard()?).filter(|pasted| *pasted == token))
    });
    assert!(pasted.is_ok(), "copy button: {pasted:?}; expected {token}");
    Ok(())
}

fn saves_a_token_set_as_textarea_text_once(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, show(Show::Text))
}

fn saves_a_token_set_as_a_read_only_input_value_once(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, show(Show::Input))
}

fn saves_a_token_inserted_as_code_once(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, show(Show::Insert))
}

fn saves_a_token_put_into_a_dialog_before_show_modal(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, show(Show::Dialog))
}

fn saves_a_token_inserted_into_an_open_shadow_root(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, show(Show::Shadow))
}

fn saves_a_token_under_a_strict_page_csp(kind: Kind) -> e2e::Result<()> {
    let options = PageOptions {
        strict_csp: true,
        ..PageOptions::default()
    };
    saves_token_shown_as(kind, options)
}

fn saves_a_token_the_server_answers_after_three_seconds(kind: Kind) -> e2e::Result<()> {
    let options = PageOptions {
        delay_ms: Some(3000),
        ..PageOptions::default()
    };
    saves_token_shown_as(kind, options)
}

fn saves_a_token_shown_for_only_150_ms(kind: Kind) -> e2e::Result<()> {
    let options = PageOptions {
        after: After::Clear,
        ..show(Show::Insert)
    };
    saves_token_shown_as(kind, options)
}

fn saves_token_shown_as(kind: Kind, options: PageOptions) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;

    let issued = create_and_wait(&browser, &server, ACME, options, "Reporting")?;

    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &issued, "Reporting");
    Ok(())
}

fn saves_a_token_rendered_five_times_once(kind: Kind) -> e2e::Result<()> {
    saves_a_rerendered_token_once(kind, Show::Insert)
}

fn saves_a_token_whose_field_is_replaced_five_times_once(kind: Kind) -> e2e::Result<()> {
    saves_a_rerendered_token_once(kind, Show::Value)
}

fn saves_a_rerendered_token_once(kind: Kind, shown: Show) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let options = PageOptions {
        renders: 5,
        ..show(shown)
    };
    let page = OauthPage::open(browser.session(), &server, ACME, options)?;

    let issued = page.create_token("Dashboard")?;
    expect_saved_notice(&browser, &page, SAVE_TIMEOUT);
    wait_until("the page to render the token 5 times", SAVE_TIMEOUT, || {
        Ok((page.renders()? >= 5).then_some(()))
    })?;
    thread::sleep(SETTLE);

    let notices = page.notices_shown()?;
    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &issued, "Dashboard");
    assert_eq!(
        notices, 1,
        "expected one notice for one token rendered 5 times; storage: {dump:#}"
    );
    Ok(())
}

fn keeps_tokens_of_two_tenants_apart(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;

    let acme = create_and_wait(&browser, &server, ACME, PageOptions::default(), "CI Deploy")?;
    let beta = create_and_wait(&browser, &server, BETA, PageOptions::default(), "Staging")?;

    let dump = browser.storage_dump()?;
    let records = token_records(&dump);
    assert_eq!(
        records.len(),
        2,
        "expected two saved tokens; storage: {dump:#}"
    );
    assert_saved_among(&dump, &acme, "CI Deploy");
    assert_saved_among(&dump, &beta, "Staging");
    Ok(())
}

fn saves_nothing_when_no_token_is_created(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;

    let page = OauthPage::open(browser.session(), &server, ACME, PageOptions::default())?;
    // Long enough for the content script to start and look at the page several times over.
    thread::sleep(Duration::from_millis(1500));

    let dump = browser.storage_dump()?;
    let decoys = page.decoys()?;
    assert_nothing_saved(&dump, decoys.iter().map(|d| ("a page secret", d.as_str())));
    assert!(
        !page.has_notice()?,
        "a notice appeared though no token was shown"
    );
    Ok(())
}

fn speaks_german_in_a_german_browser(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let options = Options {
        lang: "de".into(),
        ..Options::default()
    };
    let browser = Browser::launch_with(kind, &options)?;
    let page = OauthPage::open(browser.session(), &server, ACME, PageOptions::default())?;

    page.create_token("Buchhaltung")?;

    let e2e::Notice { state, text, .. } = page.wait_for_notice(SAVE_TIMEOUT)?;
    assert_eq!(state, "saved", "notice said {text:?}");
    assert!(
        text.contains("„Buchhaltung“ gesichert"),
        "German notice expected, was {text:?}"
    );
    browser.open_popup()?;
    let dump = browser.storage_dump()?;
    first_popup_entry(&browser, &dump)?;
    let copy = browser
        .session()
        .find("#tokens li.token button.copy")?
        .text()?;
    assert_eq!(copy, "Kopieren", "the popup's copy button should be German");
    Ok(())
}

fn show(show: Show) -> PageOptions {
    PageOptions {
        show,
        ..PageOptions::default()
    }
}

/// The `.name` and `.tenant` texts of the popup's first entry, once it has rendered one.
fn first_popup_entry(browser: &Browser, dump: &Value) -> e2e::Result<(String, String)> {
    let session = browser.session();
    let what = format!("the popup to list a token (storage: {dump})");
    wait_until(&what, SAVE_TIMEOUT, || {
        let listed = !session.find_all("#tokens li.token")?.is_empty();
        Ok(listed.then_some(()))
    })?;
    let name = session.find("#tokens li.token .name")?.text()?;
    let tenant = session.find("#tokens li.token .tenant")?.text()?;
    Ok((name, tenant))
}
