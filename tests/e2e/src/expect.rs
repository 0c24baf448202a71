//! Assertions on what the extension saved; every failure message shows the whole storage.

use std::time::Duration;

use serde_json::Value;

use crate::browser::Browser;
use crate::notice::{wait_for_notice, Notice};
use crate::oauth_page::{OauthPage, PageOptions};
use crate::server::{Issued, Server};
use crate::storage::token_records;

/// From the token showing to the extension's notice; generous for a loaded CI machine.
pub const SAVE_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens `host`'s page, creates a token and waits for the extension to say it saved it.
pub fn create_and_wait(
    browser: &Browser,
    server: &Server,
    host: &str,
    options: PageOptions,
    name: &str,
) -> crate::Result<Issued> {
    let page = OauthPage::open(browser.session(), server, host, options)?;
    let issued = page.create_token(name)?;
    expect_saved_notice(browser, &page, SAVE_TIMEOUT);
    Ok(issued)
}

/// Waits for the extension's notice on `page` to say the token was saved.
pub fn expect_saved_notice(browser: &Browser, page: &OauthPage, timeout: Duration) {
    match page.wait_for_notice(timeout) {
        Ok(notice) if notice.state == "saved" => {}
        Ok(Notice { state, text, .. }) => panic!(
            "expected a notice with data-state=saved, found {state:?} saying {text:?}; storage: {}",
            dump_text(browser)
        ),
        Err(err) => panic!(
            "expected a notice saying the token was saved: {err}; storage: {}",
            dump_text(browser)
        ),
    }
}

/// The notice in the current tab, once it shows; panics with the storage dump if none does.
pub fn expect_notice(browser: &Browser, timeout: Duration) -> Notice {
    wait_for_notice(browser.session(), timeout)
        .unwrap_or_else(|err| panic!("{err}; storage: {}", dump_text(browser)))
}

/// The storage dump once it holds `issued`; panics with what storage held instead.
pub fn expect_saved_record(browser: &Browser, issued: &Issued, timeout: Duration) -> Value {
    match browser.wait_for_saved(&issued.token, timeout) {
        Ok(dump) => dump,
        Err(err) => panic!(
            "expected {host}'s token to be saved: {err}; storage: {}",
            dump_text(browser),
            host = issued.host
        ),
    }
}

/// The storage dump as text for a failure message, or why it could not be read.
pub fn dump_text(browser: &Browser) -> String {
    match browser.storage_dump() {
        Ok(dump) => format!("{dump:#}"),
        Err(err) => format!("(unreadable: {err})"),
    }
}

/// Exactly one token record, and it is `issued`, named `name`.
pub fn assert_saved_once(dump: &Value, issued: &Issued, name: &str) {
    let records = token_records(dump);
    assert_eq!(
        records.len(),
        1,
        "expected exactly one saved token ({issued_token}); storage: {dump:#}",
        issued_token = issued.token
    );
    assert_record(records[0], issued, name, dump);
}

/// `issued` is saved once among other records, named `name`.
pub fn assert_saved_among(dump: &Value, issued: &Issued, name: &str) {
    let records = token_records(dump);
    let same: Vec<_> = records
        .iter()
        .filter(|record| record["token"] == issued.token.as_str())
        .collect();
    assert_eq!(
        same.len(),
        1,
        "expected {host}'s token {token} saved once; storage: {dump:#}",
        host = issued.host,
        token = issued.token
    );
    assert_record(same[0], issued, name, dump);
}

/// `record` holds `issued` with `name`, its host, tenant and kind.
pub fn assert_record(record: &Value, issued: &Issued, name: &str, dump: &Value) {
    assert_eq!(
        record["token"], issued.token,
        "saved token differs from the issued one; storage: {dump:#}"
    );
    assert_eq!(record["name"], name, "saved name; storage: {dump:#}");
    assert_eq!(record["host"], issued.host, "saved host; storage: {dump:#}");
    assert_eq!(
        record["tenant"],
        issued.tenant(),
        "saved tenant; storage: {dump:#}"
    );
    assert_eq!(
        record["kind"],
        issued.kind.saved_as(),
        "saved kind; storage: {dump:#}"
    );
}

/// No token record, and none of `secrets` (label, value) anywhere in storage, keys included.
pub fn assert_nothing_saved<'a>(
    dump: &Value,
    secrets: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    assert!(
        token_records(dump).is_empty(),
        "expected no saved token; storage: {dump:#}"
    );
    let stored = dump.to_string();
    for (label, secret) in secrets {
        assert!(
            !stored.contains(secret),
            "{label} ({secret}) was stored; storage: {dump:#}"
        );
    }
}
