//! The replica pages and server on their own, in Chromium without the extension.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use e2e::{
    wait_until, After, Browser, ClassicPage, Kind, OauthPage, Options, PageOptions, Server, Show,
    TokenKind, DASHBOARD,
};
use serde_json::{json, Value};

const HOST: &str = "acme.intratool.de";
const STEP: Duration = Duration::from_secs(5);

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

    let issued = page.create_token("CI Deploy")?;

    assert_eq!(server.issued().len(), 1, "expected one issued token");
    assert_eq!(
        page.shown_token()?,
        issued.token,
        "the page showed another token than was issued"
    );
    assert_eq!(
        (issued.name.as_str(), issued.host.as_str()),
        ("CI Deploy", HOST)
    );
    let parts: Vec<&str> = issued.token.split('.').collect();
    assert_eq!(parts.len(), 3, "expected a compact JWT, found {issued:?}");
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

    for show in Show::ALL {
        let options = PageOptions {
            show,
            strict_csp: true,
            ..PageOptions::default()
        };
        let page = OauthPage::open(browser.session(), &server, HOST, options)?;
        let issued = page.create_token(&format!("{show:?}"))?;

        assert_eq!(
            page.shown_token()?,
            issued.token,
            "{show:?} shows the token"
        );
    }
    Ok(())
}

#[test]
fn a_dialog_opens_and_a_shadow_root_fills_only_after_the_token_is_in_place() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let session = browser.session();
    let dialog = PageOptions {
        show: Show::Dialog,
        ..PageOptions::default()
    };
    let shadow = PageOptions {
        show: Show::Shadow,
        ..PageOptions::default()
    };

    let page = OauthPage::open(session, &server, HOST, dialog)?;
    let closed = session.execute(DIALOG_STATE, json!([]))?;
    page.create_token("Dialog")?;
    let open = session.execute(DIALOG_STATE, json!([]))?;
    let page = OauthPage::open(session, &server, HOST, shadow)?;
    let light_dom_before = session.execute(LIGHT_DOM_TEXT, json!([]))?;
    let issued = page.create_token("Shadow")?;
    let light_dom_after = session.execute(LIGHT_DOM_TEXT, json!([]))?;

    assert_eq!(closed, json!([false, "none"]), "dialog open, display");
    assert_eq!(open, json!([true, "block"]), "dialog open, display");
    assert_eq!(page.shown_token()?, issued.token);
    assert_eq!(
        light_dom_before, light_dom_after,
        "only the shadow root may change"
    );
    Ok(())
}

const DIALOG_STATE: &str = "
    const dialog = document.getElementById('dialog-access-token');
    return [dialog.open, getComputedStyle(dialog).display];";

const LIGHT_DOM_TEXT: &str = "return document.getElementById('token-panel').outerHTML;";

#[test]
fn renders_clears_and_leaves_as_the_query_says() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let session = browser.session();
    let variant = |renders, after| PageOptions {
        show: Show::Insert,
        renders,
        after,
        ..PageOptions::default()
    };

    let page = OauthPage::open(session, &server, HOST, variant(5, After::Stay))?;
    page.create_token("Renders")?;
    let renders = wait_until("5 renders", STEP, || {
        let renders = page.renders()?;
        Ok((renders >= 5).then_some(renders))
    })?;
    let page = OauthPage::open(session, &server, HOST, variant(1, After::Clear))?;
    page.create_token("Clear")?;
    wait_until("the token to be cleared", STEP, || {
        Ok(page.shown_token()?.is_empty().then_some(()))
    })?;
    let page = OauthPage::open(session, &server, HOST, variant(1, After::Leave))?;
    page.submit_token("Leave")?;
    let left_to = wait_until("the page to leave", STEP, || {
        let url = session.current_url()?;
        Ok(url.ends_with(DASHBOARD).then_some(url))
    })?;

    assert_eq!(renders, 5);
    assert!(left_to.ends_with(DASHBOARD), "{left_to}");
    assert_eq!(server.issued().len(), 3);
    Ok(())
}

#[test]
fn the_server_issues_sanctum_tokens_and_hs256_jwts_through_the_page() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let kinds = [
        (TokenKind::Sanctum, None),
        (TokenKind::Sanctum, Some("itl_")),
        (TokenKind::Hs256, None),
    ];

    let mut shown = Vec::new();
    for (token, sanctum_prefix) in kinds {
        let options = PageOptions {
            token,
            sanctum_prefix,
            ..PageOptions::default()
        };
        let page = OauthPage::open(browser.session(), &server, HOST, options)?;
        let issued = page.create_token("Kinds")?;
        assert_eq!(page.shown_token()?, issued.token);
        shown.push(issued);
    }

    let sanctum = shown[0]
        .token
        .split_once('|')
        .map(|(_, secret)| secret.len());
    let prefixed = shown[1].token.split_once('|').map(|(_, secret)| secret);
    assert_eq!(
        sanctum,
        Some(48),
        "40 random + 8 checksum: {}",
        shown[0].token
    );
    assert!(
        prefixed.is_some_and(|secret| secret.starts_with("itl_") && secret.len() == 52),
        "{}",
        shown[1].token
    );
    let parts: Vec<&str> = shown[2].token.split('.').collect();
    assert_eq!(decode(parts[0]), json!({ "alg": "HS256", "typ": "JWT" }));
    assert!(decode(parts[1]).get("jti").is_none());
    assert_eq!(parts[2].len(), 43);
    Ok(())
}

fn decode(part: &str) -> Value {
    let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

#[test]
fn the_classic_form_posts_redirects_and_shows_the_token_once() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let session = browser.session();
    let page = ClassicPage::open(session, &server, HOST)?;

    let issued = page.create_token("Lohn & <Gehalt>")?;
    let shown = session.find(".alert-success code")?.text()?;
    let listed = session.find_all(".token-id")?.len();
    session.navigate(&server.url(HOST, "/profil/oauth/classic/"))?;
    let again = session.find_all(".alert-success")?.len();

    assert_eq!(shown, issued.token);
    assert_eq!(issued.name, "Lohn & <Gehalt>");
    assert_eq!(listed, 2, "the new token is listed");
    assert_eq!(again, 0, "a reload shows the token no more");
    Ok(())
}

#[test]
fn the_dashboard_reaches_the_token_page_without_a_page_load() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let session = browser.session();

    let page = OauthPage::open_in_app(session, &server, HOST)?;
    let issued = page.create_token("App")?;

    let state = session.execute(
        "return [location.pathname, typeof window.appStartedAt];",
        json!([]),
    )?;
    assert_eq!(
        state,
        json!(["/profil/oauth/", "number"]),
        "path, app still loaded"
    );
    assert_eq!(page.shown_token()?, issued.token);
    Ok(())
}

#[test]
fn the_decoy_page_shows_some_decoys_and_hides_the_others() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    let session = browser.session();

    session.navigate(&server.url(HOST, "/profil/oauth/decoys/"))?;

    let visible = session
        .execute("return document.body.innerText;", json!([]))?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let html = session
        .execute("return document.documentElement.outerHTML;", json!([]))?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for decoy in &server.decoys().on_page {
        assert!(
            html.contains(&decoy.value),
            "{} is in the page",
            decoy.label
        );
        assert_eq!(
            visible.contains(&decoy.value),
            decoy.visible,
            "{} should be visible: {}",
            decoy.label,
            decoy.visible
        );
    }
    Ok(())
}

#[test]
fn the_server_refuses_requests_without_the_csrf_token() -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = bare_chromium()?;
    OauthPage::open(browser.session(), &server, HOST, PageOptions::default())?;

    let script = "
        const done = arguments[arguments.length - 1];
        const json = fetch('/oauth/personal-access-tokens',
            { method: 'POST', body: '{\"name\":\"x\"}' });
        const form = fetch('/profil/oauth/classic/', { method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'name=x', redirect: 'manual' });
        Promise.all([json, form]).then((answers) => done(answers.map((a) => a.status)));";
    let statuses = browser.session().execute_async(script, json!([]))?;

    assert_eq!(statuses, json!([419, 419]));
    assert!(
        server.issued().is_empty(),
        "no token may be issued without the CSRF token"
    );
    Ok(())
}
