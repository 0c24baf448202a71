//! The replica page and server on their own, in Chromium without the extension.

use e2e::{Browser, Kind, OauthPage, Options, PageOptions, Server, Show};
use serde_json::json;

const HOST: &str = "acme.intratool.de";

fn bare_chromium() -> e2e::Result<Browser> {
    let options = Options {
        extension: false,
        ..Options::default()
    };
    Browser::launch_with(Kind::Chromium, &options)
}

#[test]
fn page_shows_the_token_the_server_issued() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let page = OauthPage::open(browser.session(), &server, HOST, PageOptions::default())?;

    let shown = page.create_token("CI Deploy")?;

    let issued = server.issued();
    assert_eq!(
        issued.len(),
        1,
        "expected one issued token, found {issued:?}"
    );
    assert_eq!(
        shown, issued[0].token,
        "the page showed another token than was issued"
    );
    assert_eq!(
        (issued[0].name.as_str(), issued[0].host.as_str()),
        ("CI Deploy", HOST)
    );
    let parts: Vec<&str> = shown.split('.').collect();
    assert_eq!(parts.len(), 3, "expected a compact JWT, found {shown:?}");
    Ok(())
}

#[test]
fn create_modal_closes_and_forgets_the_name_like_passport() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let page = OauthPage::open(browser.session(), &server, HOST, PageOptions::default())?;

    page.create_token("Reporting")?;

    let script = "return [
        getComputedStyle(document.getElementById('modal-create-token')).display,
        getComputedStyle(document.getElementById('modal-access-token')).display,
        document.getElementById('create-token-name').value];";
    let state = browser.session().execute(script, json!([]))?;
    assert_eq!(
        state,
        json!(["none", "block", ""]),
        "create modal, token modal, name field"
    );
    Ok(())
}

#[test]
fn every_variant_shows_the_token_also_under_strict_csp() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let variants = [Show::Value, Show::Text, Show::Insert].map(|show| PageOptions {
        show,
        strict_csp: true,
        ..PageOptions::default()
    });

    let mut shown = Vec::new();
    for options in variants {
        let page = OauthPage::open(browser.session(), &server, HOST, options)?;
        shown.push(page.create_token(&format!("{:?}", options.show))?);
    }

    let issued: Vec<String> = server.issued().into_iter().map(|i| i.token).collect();
    assert_eq!(
        shown, issued,
        "each variant should show the token issued for it"
    );
    Ok(())
}

#[test]
fn the_server_refuses_a_request_without_the_csrf_token() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    OauthPage::open(browser.session(), &server, HOST, PageOptions::default())?;

    let script = "
        const done = arguments[arguments.length - 1];
        fetch('/oauth/personal-access-tokens', { method: 'POST', body: '{\"name\":\"x\"}' })
            .then((response) => done(response.status));";
    let status = browser.session().execute_async(script, json!([]))?;

    assert_eq!(status, json!(419));
    assert!(
        server.issued().is_empty(),
        "no token may be issued without the CSRF token"
    );
    Ok(())
}
