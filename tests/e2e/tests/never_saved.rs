//! What the extension must never save: every secret-looking string on Passport's settings page
//! that is not a token just created, and a token a person types into a field.

use std::thread;
use std::time::Duration;

use e2e::{
    assert_nothing_saved, assert_saved_once, expect_saved_notice, secrets_on_page, Browser, Kind,
    OauthPage, PageOptions, Server, READING_THE_PAGE, SAVE_TIMEOUT,
};
use serde_json::json;

const ACME: &str = "acme.intratool.de";

/// The page with every decoy; under /profil/oauth/, so the content script is active there.
const DECOY_PAGE: &str = "/profil/oauth/decoys/";

/// Long enough for the content script to start and look at the page several times over.
const LOOK: Duration = Duration::from_millis(1500);

e2e::in_each_browser!(
    saves_no_secret_from_a_page_full_of_decoys,
    saves_no_token_a_person_types_into_a_field,
);

fn saves_no_secret_from_a_page_full_of_decoys(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let session = browser.session();

    // Under the strict CSP Chromium's content script cannot run wasm and relays the page's
    // text to the background instead; both paths must refuse the same strings.
    let mut page_secrets = Vec::new();
    for path in [DECOY_PAGE.to_owned(), format!("{DECOY_PAGE}?csp=strict")] {
        session.navigate(&server.url(ACME, &path))?;
        thread::sleep(LOOK);
        page_secrets.extend(secrets_on_page(session)?);
        assert_no_notice(&browser, &path)?;
    }

    let dump = browser.storage_dump()?;
    let decoys = &server.decoys().on_page;
    let labelled = decoys.iter().map(|d| (d.label, d.probe.as_str()));
    let page = page_secrets
        .iter()
        .map(|s| ("a CSRF token or token id", s.as_str()));
    assert_nothing_saved(&dump, labelled.chain(page));

    // The control: the same extension in the same browser does save a token it should.
    let page = OauthPage::open(session, &server, ACME, PageOptions::default())?;
    let issued = page.create_token("Kontrolle")?;
    expect_saved_notice(&browser, &page, SAVE_TIMEOUT);
    assert_saved_once(&browser.storage_dump()?, &issued, "Kontrolle");
    Ok(())
}

fn saves_no_token_a_person_types_into_a_field(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let session = browser.session();
    session.navigate(&server.url(ACME, DECOY_PAGE))?;
    let typed = &server.decoys().typed;
    thread::sleep(READING_THE_PAGE);

    session.find("#token-check")?.send_keys(typed)?;
    thread::sleep(LOOK);

    let field = session.find("#token-check")?.property("value")?;
    assert_eq!(field, json!(typed), "the field should hold the typed token");
    assert_no_notice(&browser, DECOY_PAGE)?;
    let dump = browser.storage_dump()?;
    assert_nothing_saved(
        &dump,
        [("a Passport JWT typed into a field", typed.as_str())],
    );
    Ok(())
}

fn assert_no_notice(browser: &Browser, path: &str) -> e2e::Result<()> {
    let script = "return document.querySelector('token-saver-notice')?.dataset.state ?? null;";
    let notice = browser.session().execute(script, json!([]))?;
    assert_eq!(
        notice,
        json!(null),
        "no notice expected on {path}; storage: {}",
        e2e::dump_text(browser)
    );
    Ok(())
}
