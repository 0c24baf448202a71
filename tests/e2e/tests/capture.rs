//! The built extension in each browser: a token the replica page shows is saved, listed in the
//! popup and copyable; nothing else on the page is saved.

use std::thread;
use std::time::Duration;

use e2e::{
    token_records, wait_until, Browser, Kind, OauthPage, Options, PageOptions, Server, Show,
};
use serde_json::Value;

const ACME: &str = "acme.intratool.de";
const BETA: &str = "beta.intratool.de";

/// From the token showing to the extension's notice; generous for a loaded CI machine.
const SAVE_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs each scenario once per browser, as `chromium::<name>` and `firefox::<name>`.
macro_rules! in_each_browser {
    ($($scenario:ident),* $(,)?) => {
        mod chromium {
            $( #[test] fn $scenario() -> e2e::Result<()> { super::$scenario(e2e::Kind::Chromium) } )*
        }
        mod firefox {
            $( #[test] fn $scenario() -> e2e::Result<()> { super::$scenario(e2e::Kind::Firefox) } )*
        }
    };
}

in_each_browser!(
    saves_lists_and_copies_a_created_token,
    saves_a_token_set_as_textarea_text_once,
    saves_a_token_inserted_as_code_once,
    saves_a_token_under_a_strict_page_csp,
    keeps_tokens_of_two_tenants_apart,
    saves_nothing_when_no_token_is_created,
    speaks_german_in_a_german_browser,
);

fn saves_lists_and_copies_a_created_token(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;

    let token = create_and_wait(&browser, &server, ACME, PageOptions::default(), "CI Deploy")?;

    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &token, "CI Deploy", ACME);
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
    let pasted = wait_until("the clipboard to hold the token", SAVE_TIMEOUT, || {
        Ok(Some(browser.paste_clipboard()?).filter(|pasted| *pasted == token))
    });
    assert!(pasted.is_ok(), "copy button: {pasted:?}; expected {token}");
    Ok(())
}

fn saves_a_token_set_as_textarea_text_once(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, Show::Text, false)
}

fn saves_a_token_inserted_as_code_once(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, Show::Insert, false)
}

fn saves_a_token_under_a_strict_page_csp(kind: Kind) -> e2e::Result<()> {
    saves_token_shown_as(kind, Show::Value, true)
}

fn saves_token_shown_as(kind: Kind, show: Show, strict_csp: bool) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let options = PageOptions {
        show,
        strict_csp,
        ..PageOptions::default()
    };

    let token = create_and_wait(&browser, &server, ACME, options, "Reporting")?;

    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &token, "Reporting", ACME);
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
    for (token, name, host) in [(&acme, "CI Deploy", ACME), (&beta, "Staging", BETA)] {
        let record = records
            .iter()
            .find(|record| record["token"] == token.as_str());
        let record = record.unwrap_or_else(|| panic!("{host}'s token not saved: {dump:#}"));
        assert_record(record, token, name, host, &dump);
    }
    Ok(())
}

fn saves_nothing_when_no_token_is_created(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;

    let page = OauthPage::open(browser.session(), &server, ACME, PageOptions::default())?;
    // Long enough for the content script to start and look at the page several times over.
    thread::sleep(Duration::from_millis(1500));

    let dump = browser.storage_dump()?;
    assert!(
        token_records(&dump).is_empty(),
        "expected no saved token; storage: {dump:#}"
    );
    let stored = dump.to_string();
    for decoy in page.decoys()? {
        assert!(
            !stored.contains(&decoy),
            "{decoy} from the page was stored: {dump:#}"
        );
    }
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

    let (state, text) = page.wait_for_notice(SAVE_TIMEOUT)?;
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

/// Opens `host`'s page, creates a token and waits for the extension to say it saved it.
fn create_and_wait(
    browser: &Browser,
    server: &Server,
    host: &str,
    options: PageOptions,
    name: &str,
) -> e2e::Result<String> {
    let page = OauthPage::open(browser.session(), server, host, options)?;
    let token = page.create_token(name)?;
    match page.wait_for_notice(SAVE_TIMEOUT) {
        Ok((state, _)) if state == "saved" => Ok(token),
        Ok((state, text)) => panic!(
            "expected a notice with data-state=saved, found {state:?} saying {text:?}; storage: {}",
            dump_text(browser)
        ),
        Err(err) => panic!(
            "expected a notice after {host} showed a token: {err}; storage: {}",
            dump_text(browser)
        ),
    }
}

fn assert_saved_once(dump: &Value, token: &str, name: &str, host: &str) {
    let records = token_records(dump);
    assert_eq!(
        records.len(),
        1,
        "expected exactly one saved token; storage: {dump:#}"
    );
    assert_record(records[0], token, name, host, dump);
}

fn assert_record(record: &Value, token: &str, name: &str, host: &str, dump: &Value) {
    assert_eq!(
        record["token"], token,
        "saved token differs from the shown one: {dump:#}"
    );
    assert_eq!(record["name"], name, "saved name; storage: {dump:#}");
    assert_eq!(record["host"], host, "saved host; storage: {dump:#}");
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

fn dump_text(browser: &Browser) -> String {
    match browser.storage_dump() {
        Ok(dump) => format!("{dump:#}"),
        Err(err) => format!("(unreadable: {err})"),
    }
}
