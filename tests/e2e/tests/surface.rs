//! What the extension exposes: neither a page script nor another extension can read a saved
//! token or plant one, and the page's console shows nothing from the extension.

mod support;

use std::thread;
use std::time::SystemTime;

use e2e::{
    create_and_wait, expect_notice, expect_saved_notice, token_entries, Browser, Kind, OauthPage,
    Options, PageOptions, Server, GECKO_ID,
};
use serde_json::json;
use support::{
    reload_extension, NameEntry, RobustPage, ACME, READING_THE_PAGE, SAVE_TIMEOUT, SETTLE,
};

e2e::in_each_browser!(
    a_page_script_finds_no_saved_token_outside_its_own_field,
    a_page_script_can_neither_reach_the_extension_nor_plant_a_token,
    another_extension_can_neither_reach_the_extension_nor_plant_a_token,
    the_page_console_shows_nothing_from_the_extension,
);

/// Every path the content script takes on a page, each of which could log: a save, a page
/// under a strict CSP (Chromium's relay), a page whose own scripts keep throwing, and a page
/// left open while the extension is reloaded (Chromium: the old script's save fails).
///
/// Both browsers report a content script's uncaught errors with the script's extension address,
/// and Chromium its `console` calls too. Firefox writes a `console` call with its text alone, so
/// there every `console.*` line counts that is not the browser's own: the replica pages make
/// none.
fn the_page_console_shows_nothing_from_the_extension(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let options = Options {
        console_log: true,
        ..Options::default()
    };
    let browser = Browser::launch_with(kind, &options)?;
    let session = browser.session();
    let origin = browser.extension_url("")?;
    // What the browser logged about itself while starting.
    browser.console_messages()?;
    let strict_csp = PageOptions {
        strict_csp: true,
        ..PageOptions::default()
    };

    create_and_wait(&browser, &server, ACME, PageOptions::default(), "Console")?;
    create_and_wait(&browser, &server, ACME, strict_csp, "Console relay")?;
    let throwing = RobustPage::open(session, &server, ACME, "throw=1")?;
    throwing.create_token("Console throwing", NameEntry::Typed)?;
    let saved = expect_notice(&browser, SAVE_TIMEOUT);
    let orphaned = OauthPage::open(session, &server, ACME, PageOptions::default())?;
    thread::sleep(READING_THE_PAGE);
    reload_extension(&browser)?;
    orphaned.create_token("Console orphaned")?;
    let after_reload = expect_notice(&browser, SAVE_TIMEOUT);

    let messages = browser.console_messages()?;
    assert_eq!(saved.state, "saved", "{saved:?}");
    // Firefox puts a fresh content script into the open tab, which saves.
    let expected = if kind == Kind::Chromium {
        "failed"
    } else {
        "saved"
    };
    assert_eq!(after_reload.state, expected, "{after_reload:?}");
    let tokens: Vec<String> = server.issued().into_iter().map(|i| i.token).collect();
    assert_eq!(tokens.len(), 4, "four tokens issued");
    let ours: Vec<&String> = messages
        .iter()
        .filter(|m| {
            m.contains(&origin)
                || tokens.iter().any(|t| m.contains(t.as_str()))
                || kind == Kind::Firefox && m.starts_with("console.") && !firefox_own(m)
        })
        .collect();
    assert!(
        ours.is_empty(),
        "the console shows these from the extension: {ours:#?}\nall it shows: {messages:#?}"
    );
    Ok(())
}

fn a_page_script_finds_no_saved_token_outside_its_own_field(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let session = browser.session();
    let page = OauthPage::open(session, &server, ACME, PageOptions::default())?;
    thread::sleep(READING_THE_PAGE);
    let issued = page.create_token("Surface")?;
    expect_saved_notice(&browser, &page, SAVE_TIMEOUT);

    let places = session.run_async(FIND_TOKEN, json!([issued.token]))?;

    assert_eq!(
        places,
        json!([]),
        "the page's scripts can find the saved token here"
    );
    Ok(())
}

fn a_page_script_can_neither_reach_the_extension_nor_plant_a_token(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let session = browser.session();
    let page = OauthPage::open(session, &server, ACME, PageOptions::default())?;
    thread::sleep(READING_THE_PAGE);
    // A token the page shows is saved: the extension is at work on this page.
    page.create_token("Shown")?;
    expect_saved_notice(&browser, &page, SAVE_TIMEOUT);
    let before = browser.storage_dump()?;
    let id = extension_id(&browser)?;

    let wasm = browser.extension_url("token_saver_bg.wasm")?;
    let seen = session.run_async(PROBE_APIS, json!([id, wasm]))?;
    let planted = session.run_async(PLANT, json!([id]))?;
    thread::sleep(SETTLE);

    assert_eq!(
        seen["storage"], "undefined",
        "chrome.storage in the page: {seen:#}"
    );
    assert_eq!(
        seen["browser"], "undefined",
        "browser.* in the page: {seen:#}"
    );
    let sent = seen["sendMessage"].as_str().unwrap_or_default();
    assert!(
        sent.starts_with("failed"),
        "chrome.runtime.sendMessage to the extension from the page should fail: {seen:#}"
    );
    // `use_dynamic_url`: Chromium serves the wasm to the content script under an address that
    // changes per session, never under the static one a page could guess from the extension's
    // id. Firefox has no such option; the random per-install host name plays its part there.
    if kind == Kind::Chromium {
        assert!(
            seen["wasm"]
                .as_str()
                .unwrap_or_default()
                .starts_with("failed"),
            "the page fetched the wasm by its static address: {seen:#}"
        );
    }
    let dump = browser.storage_dump()?;
    let token = planted["token"].as_str().unwrap_or_default();
    assert!(
        token.len() > 500,
        "the page should have had a fresh token to plant: {planted:#}"
    );
    assert!(
        !dump.to_string().contains(token),
        "a page script planted a token by {attempts:#}; storage: {dump:#}",
        attempts = planted["attempts"]
    );
    assert_eq!(
        token_entries(&dump),
        token_entries(&before),
        "storage: {dump:#}"
    );
    Ok(())
}

/// Any extension can address ours by id without asking for a permission. Ours listens to no
/// one outside itself (no `onMessageExternal`, no `externally_connectable`), so every attempt
/// fails and storage stays as it was.
fn another_extension_can_neither_reach_the_extension_nor_plant_a_token(
    kind: Kind,
) -> e2e::Result<()> {
    let server = Server::start()?;
    let options = Options {
        other_extension: true,
        ..Options::default()
    };
    let browser = Browser::launch_with(kind, &options)?;
    create_and_wait(&browser, &server, ACME, PageOptions::default(), "Shown")?;
    let before = browser.storage_dump()?;
    let id = extension_id(&browser)?;
    let token = e2e::mint_passport_token(SystemTime::now()).jwt;
    let session = browser.session();
    session.navigate(&browser.other_extension_url("page.html")?)?;

    let attempts = session.run_async(FROM_ANOTHER_EXTENSION, json!([id, token]))?;
    thread::sleep(SETTLE);

    let dump = browser.storage_dump()?;
    let sent = attempts["sendMessage"].as_str().unwrap_or_default();
    let connected = attempts["connect"].as_str().unwrap_or_default();
    // Both browsers say this when the message got through to an extension that does not listen.
    assert!(
        sent.contains("Receiving end does not exist"),
        "sendMessage: {attempts:#}"
    );
    assert!(
        connected.starts_with("disconnected"),
        "connect: {attempts:#}"
    );
    assert!(
        !dump.to_string().contains(&token),
        "another extension planted a token by {attempts:#}; storage: {dump:#}"
    );
    assert_eq!(
        token_entries(&dump),
        token_entries(&before),
        "storage: {dump:#}"
    );
    Ok(())
}

#[test]
fn tells_firefox_own_console_lines_from_a_page_or_content_script() {
    assert!(firefox_own("console.error: RSLoader: "));
    assert!(firefox_own(
        "console.warn: services.settings: Ignoring preference override"
    ));
    assert!(firefox_own(
        r#"console.error: (new TypeError("NetworkError", "resource://services-settings/Utils.sys.mjs", 257))"#
    ));
    assert!(!firefox_own(
        r#"console.log: "probe" "https://acme.intratool.de/""#
    ));
    assert!(!firefox_own("console.log: 42"));
}

/// Whether a Firefox console line comes from the browser itself: its components name a
/// privileged source or start the text with their own name (`console.warn: services.settings:
/// …`), which a web page's or a content script's call never does.
fn firefox_own(line: &str) -> bool {
    let text = line.split_once(": ").map_or("", |(_, text)| text);
    let component = text.split_once(": ").is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    });
    component || line.contains("resource://") || line.contains("chrome://")
}

/// What another extension's page can try with our id: a one-off message carrying a token the
/// way the strict-CSP relay's messages do, and a long-lived port.
const FROM_ANOTHER_EXTENSION: &str = "
    const [id, token] = arguments;
    const message = { texts: [token], names: ['Planted'] };
    const attempts = {};
    try {
        const answer = await chrome.runtime.sendMessage(id, message);
        attempts.sendMessage = `answered ${JSON.stringify(answer)}`;
    } catch (err) {
        attempts.sendMessage = `failed: ${err}`;
    }
    attempts.connect = await new Promise((resolve) => {
        try {
            const port = chrome.runtime.connect(id);
            port.onDisconnect.addListener(() =>
                resolve(`disconnected: ${chrome.runtime.lastError?.message}`));
            port.onMessage.addListener((m) => resolve(`answered ${JSON.stringify(m)}`));
            port.postMessage(message);
            setTimeout(() => resolve('still connected after 2 s'), 2000);
        } catch (err) {
            resolve(`failed: ${err}`);
        }
    });
    return attempts;";

/// The id a page would address the extension by.
fn extension_id(browser: &Browser) -> e2e::Result<String> {
    match browser.kind() {
        Kind::Firefox => Ok(GECKO_ID.to_owned()),
        Kind::Chromium => {
            let base = browser.extension_url("")?;
            let id = base.trim_start_matches("chrome-extension://");
            Ok(id.trim_end_matches('/').to_owned())
        }
    }
}

/// Where in the page a script can find `arguments[0]`: text, comments, attributes and field
/// values in the document and every open shadow root (the extension's notice included), the
/// page's storage, cookies, and string globals. The page's own token field is left out.
const FIND_TOKEN: &str = "
    const [token] = arguments;
    const places = [];
    const visit = (root, where) => {
        const show = NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT | NodeFilter.SHOW_COMMENT;
        const walk = document.createTreeWalker(root, show);
        for (let node = walk.currentNode; node; node = walk.nextNode()) {
            if (node.nodeType !== Node.ELEMENT_NODE) {
                if (node.data && node.data.includes(token)) places.push(`${where}: text`);
                continue;
            }
            if (node.id === 'access-token') continue;
            const tag = `${where}: <${node.localName}>`;
            for (const attr of node.attributes) {
                if (attr.value.includes(token)) places.push(`${tag} ${attr.name}`);
            }
            if (typeof node.value === 'string' && node.value.includes(token)) {
                places.push(`${tag}.value`);
            }
            if (node.shadowRoot) visit(node.shadowRoot, `${tag} shadow root`);
        }
    };
    visit(document, 'document');
    const stores = { localStorage, sessionStorage };
    for (const [name, store] of Object.entries(stores)) {
        for (let i = 0; i < store.length; i++) {
            const key = store.key(i);
            if ((key + store.getItem(key)).includes(token)) places.push(`${name}[${key}]`);
        }
    }
    if (document.cookie.includes(token)) places.push('document.cookie');
    if (window.name.includes(token)) places.push('window.name');
    if (JSON.stringify(history.state ?? null).includes(token)) places.push('history.state');
    for (const name of Object.getOwnPropertyNames(window)) {
        let value;
        try { value = window[name]; } catch { continue; }
        if (typeof value === 'string' && value.includes(token)) places.push(`window.${name}`);
    }
    return places;";

/// What of the extension APIs a page script sees, what a message to the extension does, and
/// whether the page can fetch the extension's wasm by its static address.
const PROBE_APIS: &str = "
    const [id, wasm] = arguments;
    const seen = {
        chrome: typeof window.chrome,
        runtime: typeof window.chrome?.runtime,
        storage: typeof window.chrome?.storage,
        browser: typeof window.browser,
    };
    try {
        const response = await fetch(wasm);
        seen.wasm = `fetched: ${response.status}`;
    } catch (err) {
        seen.wasm = `failed: ${err}`;
    }
    try {
        const answer = await window.chrome.runtime.sendMessage(id, { texts: [], names: [] });
        seen.sendMessage = `answered ${JSON.stringify(answer)}`;
    } catch (err) {
        seen.sendMessage = `failed: ${err}`;
    }
    return seen;";

/// Has the server issue a token the page never shows, then offers it to the extension by every
/// way a page script can reach: extension messaging (in the relay's own message shape), window
/// messages and DOM events. Returns the token and what each attempt did.
const PLANT: &str = "
    const [id] = arguments;
    const csrf = document.querySelector('meta[name=\"csrf-token\"]').content;
    const response = await fetch('/oauth/personal-access-tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
        body: JSON.stringify({ name: 'Planted', scopes: [] }),
    });
    const token = (await response.json()).accessToken;
    const message = { texts: [token], names: ['Planted'] };
    const attempts = {};
    const attempt = async (label, send) => {
        try {
            attempts[label] = `answered ${JSON.stringify(await send())}`;
        } catch (err) {
            attempts[label] = `failed: ${err}`;
        }
    };
    await attempt('chrome.runtime.sendMessage', () => chrome.runtime.sendMessage(id, message));
    await attempt('chrome.runtime.connect', () => {
        chrome.runtime.connect(id).postMessage(message);
        return 'connected';
    });
    await attempt('browser.runtime.sendMessage', () => browser.runtime.sendMessage(id, message));
    await attempt('window.postMessage', () => {
        window.postMessage(message, '*');
        window.postMessage(token, '*');
        return 'posted';
    });
    await attempt('DOM events', () => {
        for (const type of ['token-saver', 'message', 'click', 'submit']) {
            document.dispatchEvent(new CustomEvent(type, { detail: message, bubbles: true }));
        }
        return 'dispatched';
    });
    return { token, attempts };";
