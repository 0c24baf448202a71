//! A storage quota that is used up: the token is shown in the failed note instead of being lost,
//! nothing already stored is touched, and the popup warns.
//!
//! Chromium only: its `chrome.storage.local` holds at most `QUOTA_BYTES` (10 MB) without the
//! `unlimitedStorage` permission. Firefox sets no quota on `storage.local`, so there is nothing
//! to fill there.

mod support;

use e2e::{wait_for_notice, Browser, Kind, OauthPage, PageOptions, Server};
use serde_json::{json, Value};
use support::{
    create_and_wait, in_extension_page, popup_status, ACME, READING_THE_PAGE, SAVE_TIMEOUT,
};

/// Free bytes left after filling: room for the name the content script writes at "Erstellen"
/// (about 80 bytes), none for a token record (about 2 KB).
const LEFT_FREE: u64 = 600;

mod chromium {
    use e2e::{Kind, PageOptions};

    #[test]
    fn a_full_storage_fails_visibly_keeps_everything_and_warns() -> e2e::Result<()> {
        super::a_full_storage_fails_visibly(Kind::Chromium, PageOptions::default())
    }

    /// The same through the background's relay, which saves for pages whose CSP forbids wasm.
    #[test]
    fn a_full_storage_fails_visibly_under_a_strict_page_csp() -> e2e::Result<()> {
        let options = PageOptions {
            strict_csp: true,
            ..PageOptions::default()
        };
        super::a_full_storage_fails_visibly(Kind::Chromium, options)
    }
}

fn a_full_storage_fails_visibly(kind: Kind, options: PageOptions) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let kept = create_and_wait(&browser, &server, ACME, "Before full")?;
    let before = summary(&browser)?;
    let free = fill_storage(&browser)?;
    assert!(
        free < 1024,
        "the junk should leave less than 1 KB, left {free} bytes"
    );
    let filled = summary(&browser)?;
    let page = OauthPage::open(browser.session(), &server, ACME, options)?;
    std::thread::sleep(READING_THE_PAGE);

    let issued = page.create_token("When full")?;

    // The junk would fill a failure message with 10 MB; the summary stands in for the dump.
    let notice = wait_for_notice(browser.session(), SAVE_TIMEOUT).unwrap_or_else(|err| {
        let storage = summary(&browser).map_or_else(|e| e.to_string(), |s| format!("{s:#}"));
        panic!("{err}; storage: {storage}")
    });
    let after = summary(&browser)?;
    assert_eq!(
        notice.state, "failed",
        "a token that does not fit must not look saved: {notice:?}; storage: {after:#}"
    );
    assert!(
        notice.text.contains("storage is full"),
        "the failed note should say the storage is full: {notice:?}"
    );
    assert_eq!(
        after["junk"], filled["junk"],
        "the junk should be untouched; storage: {after:#}"
    );
    assert_eq!(
        after["tokens"], before["tokens"],
        "the saved token ({}) should be untouched and no other saved; storage: {after:#}",
        kept.token
    );
    browser.open_popup()?;
    let status = popup_status(browser.session())?;
    assert!(
        status.contains("almost full"),
        "the popup should warn that storage is almost full, said {status:?}"
    );
    assert_eq!(
        notice.field.as_deref(),
        Some(issued.token.as_str()),
        "the failed note should hold the token to copy: {notice:?}"
    );
    Ok(())
}

/// Fills `chrome.storage.local` with junk strings under `junk:<n>` keys until `LEFT_FREE` bytes
/// are left; returns the bytes left. Chromium counts an item as its key's length plus the
/// length of its value's JSON.
fn fill_storage(browser: &Browser) -> e2e::Result<u64> {
    let body = "
        const [leave] = arguments;
        const local = chrome.storage.local;
        const free = async () => local.QUOTA_BYTES - await local.getBytesInUse(null);
        const chunk = 1 << 20;
        let n = 0;
        while (await free() > chunk + leave + 64) {
            await local.set({ [`junk:${n}`]: 'x'.repeat(chunk) });
            n += 1;
        }
        const key = `junk:${n}`;
        await local.set({ [key]: 'x'.repeat(await free() - leave - key.length - 2) });
        return await free();";
    let free = in_extension_page(browser, body, json!([LEFT_FREE]))?;
    Ok(free.as_u64().unwrap_or(u64::MAX))
}

/// The storage without its 10 MB of junk: `tokens` and `other` entries as stored, `junk` as the
/// length of each junk string (or `"changed"`), and the bytes `free`.
fn summary(browser: &Browser) -> e2e::Result<Value> {
    let body = "
        const local = chrome.storage.local;
        const items = await local.get(null);
        const summary = { tokens: {}, junk: {}, other: {} };
        for (const [key, value] of Object.entries(items)) {
            if (key.startsWith('token:')) {
                summary.tokens[key] = value;
            } else if (key.startsWith('junk:')) {
                const intact = typeof value === 'string' && /^x*$/.test(value);
                summary.junk[key] = intact ? value.length : 'changed';
            } else {
                summary.other[key] = value;
            }
        }
        summary.free = local.QUOTA_BYTES - await local.getBytesInUse(null);
        return summary;";
    in_extension_page(browser, body, json!([]))
}
