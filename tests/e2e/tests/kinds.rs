//! Secrets other than Passport's shown after "Erstellen": Laravel Sanctum tokens, with and
//! without a prefix, and a JWT that is not Passport's; each saved with its kind.

use e2e::{
    assert_saved_among, assert_saved_once, create_and_wait, token_records, Browser, Kind,
    PageOptions, Server, TokenKind,
};

const ACME: &str = "acme.intratool.de";
const BETA: &str = "beta.intratool.de";

e2e::in_each_browser!(
    saves_sanctum_tokens_with_and_without_a_prefix_as_sanctum,
    saves_an_hs256_jwt_shown_after_erstellen_as_jwt,
);

fn saves_sanctum_tokens_with_and_without_a_prefix_as_sanctum(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let plain = PageOptions {
        token: TokenKind::Sanctum,
        ..PageOptions::default()
    };
    let prefixed = PageOptions {
        sanctum_prefix: Some("itl_"),
        ..plain
    };

    let acme = create_and_wait(&browser, &server, ACME, plain, "Zapier")?;
    let beta = create_and_wait(&browser, &server, BETA, prefixed, "Zapier mit Präfix")?;

    let dump = browser.storage_dump()?;
    assert_eq!(
        token_records(&dump).len(),
        2,
        "expected two saved Sanctum tokens ({} and {}); storage: {dump:#}",
        acme.token,
        beta.token
    );
    assert_saved_among(&dump, &acme, "Zapier");
    assert_saved_among(&dump, &beta, "Zapier mit Präfix");
    Ok(())
}

fn saves_an_hs256_jwt_shown_after_erstellen_as_jwt(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let options = PageOptions {
        token: TokenKind::Hs256,
        ..PageOptions::default()
    };

    let issued = create_and_wait(&browser, &server, ACME, options, "Mobile App")?;

    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &issued, "Mobile App");
    Ok(())
}
