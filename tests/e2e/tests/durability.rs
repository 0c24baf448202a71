//! Tokens outlast what happens around the page: two tenants creating one at the same moment,
//! the extension being reloaded or updated, a tab left open across a reload, and the browser
//! being closed and started again.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use e2e::{
    assert_saved_among, dump_text, expect_notice, token_entries, token_records, Browser, Kind,
    OauthPage, Options, PageOptions, Server, TempDir,
};
use serde_json::{json, Value};
use support::{
    create_and_wait, in_extension_page, popup_names, reload_extension, NameEntry, RobustPage, ACME,
    BETA, READING_THE_PAGE, SAVE_TIMEOUT,
};

e2e::in_each_browser!(
    saves_tokens_created_in_two_tenants_at_the_same_moment_under_their_own_names,
    keeps_and_lists_every_token_across_an_extension_reload,
    keeps_and_lists_every_token_across_a_browser_restart,
    keeps_and_lists_every_token_across_an_update,
    a_tab_left_open_across_a_reload_still_secures_its_token,
);

/// Chromium only: a page whose CSP forbids wasm is served by the background's relay there.
/// Firefox runs the content script's wasm on such a page as on any other.
mod chromium_relay {
    #[test]
    fn a_tab_left_open_across_a_reload_under_a_strict_csp_still_secures_its_token(
    ) -> e2e::Result<()> {
        super::a_tab_left_open_across_a_reload_under_a_strict_csp_still_secures_its_token(
            e2e::Kind::Chromium,
        )
    }
}

fn saves_tokens_created_in_two_tenants_at_the_same_moment_under_their_own_names(
    kind: Kind,
) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let session = browser.session();
    let acme_tab = session.window_handle()?;
    let acme = RobustPage::open(session, &server, ACME, "")?;
    acme.fill_name("Acme Deploy", NameEntry::Typed)?;
    let beta_tab = session.new_tab()?;
    session.switch_to_window(&beta_tab)?;
    let beta = RobustPage::open(session, &server, BETA, "")?;
    beta.fill_name("Beta Reporting", NameEntry::Typed)?;
    // Both pages have the server answer at the same instant, so the two saves (~10 ms each)
    // run at the same time.
    let moment = epoch_ms() + 1_000;

    beta.show_token_at(moment)?;
    beta.click_create()?;
    session.switch_to_window(&acme_tab)?;
    acme.show_token_at(moment)?;
    acme.click_create()?;

    let acme_notice = expect_notice(&browser, SAVE_TIMEOUT);
    let acme_shown = acme.shown_at()?;
    session.switch_to_window(&beta_tab)?;
    let beta_notice = expect_notice(&browser, SAVE_TIMEOUT);
    let beta_shown = beta.shown_at()?;
    let dump = browser.storage_dump()?;
    assert!(
        acme_shown.abs_diff(beta_shown) <= 25,
        "the pages should show their tokens at the same moment, were {} ms apart",
        acme_shown.abs_diff(beta_shown)
    );
    for notice in [&acme_notice, &beta_notice] {
        assert_eq!(notice.state, "saved", "{notice:?}; storage: {dump:#}");
    }
    assert_eq!(
        token_records(&dump).len(),
        2,
        "expected one token per tenant; storage: {dump:#}"
    );
    for issued in server.issued() {
        let name = issued.name.clone();
        assert_saved_among(&dump, &issued, &name);
    }
    Ok(())
}

fn keeps_and_lists_every_token_across_an_extension_reload(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    create_and_wait(&browser, &server, ACME, "CI Deploy")?;
    create_and_wait(&browser, &server, BETA, "Staging")?;
    let before = token_entries(&browser.storage_dump()?);

    reload_extension(&browser)?;

    let dump = browser.storage_dump()?;
    assert_eq!(
        token_entries(&dump),
        before,
        "every token record should be unchanged after the reload; storage: {dump:#}"
    );
    browser.open_popup()?;
    let listed: BTreeSet<String> = popup_names(browser.session(), 2)?.into_iter().collect();
    let expected: BTreeSet<String> = ["CI Deploy", "Staging"].map(String::from).into();
    assert_eq!(
        listed, expected,
        "popup after the reload; storage: {dump:#}"
    );
    Ok(())
}

/// The same profile launched twice, as a person closes the browser and opens it again. Firefox
/// has the extension installed for good here, as from the store; a temporary add-on would be
/// removed, storage and all, when the browser closes.
fn keeps_and_lists_every_token_across_a_browser_restart(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let profile = TempDir::new(&format!("{}-profile", kind.name()))?;
    let options = Options {
        profile: Some(profile.path().to_owned()),
        ..Options::default()
    };
    let before = {
        let browser = Browser::launch_with(kind, &options)?;
        create_and_wait(&browser, &server, ACME, "Vor dem Neustart")?;
        token_entries(&browser.storage_dump()?)
        // Dropping the browser ends the session, which closes it the way a person does.
    };

    let browser = Browser::launch_with(kind, &options)?;

    let dump = browser.storage_dump()?;
    assert_eq!(before.len(), 1, "saved before the restart: {before:?}");
    assert_eq!(
        token_entries(&dump),
        before,
        "the token record should be unchanged after the restart; storage: {dump:#}"
    );
    create_and_wait(&browser, &server, BETA, "Nach dem Neustart")?;
    browser.open_popup()?;
    let listed = popup_names(browser.session(), 2)?;
    assert_eq!(
        listed,
        ["Nach dem Neustart", "Vor dem Neustart"],
        "popup after the restart; storage: {}",
        dump_text(&browser)
    );
    Ok(())
}

/// An update as the browser applies it: the extension's files are replaced by a newer version
/// and it restarts. Here a copy of the build is loaded, its manifest gets a higher version, and
/// the extension reloads from disk.
fn keeps_and_lists_every_token_across_an_update(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let build = e2e::extension_dir(kind.build_folder())?;
    let installed = TempDir::copy_of(&build, &format!("{}-update", kind.name()))?;
    let options = Options {
        extension_dir: Some(installed.path().to_owned()),
        ..Options::default()
    };
    let browser = Browser::launch_with(kind, &options)?;
    create_and_wait(&browser, &server, ACME, "Vor dem Update")?;
    let before = token_entries(&browser.storage_dump()?);
    let old_version = running_version(&browser)?;
    let new_version = raise_version(installed.path())?;

    reload_extension(&browser)?;

    assert_eq!(
        running_version(&browser)?,
        new_version,
        "the update from {old_version} should be running"
    );
    let dump = browser.storage_dump()?;
    assert_eq!(
        token_entries(&dump),
        before,
        "every token record should be unchanged after the update; storage: {dump:#}"
    );
    create_and_wait(&browser, &server, BETA, "Nach dem Update")?;
    browser.open_popup()?;
    let listed = popup_names(browser.session(), 2)?;
    assert_eq!(listed, ["Nach dem Update", "Vor dem Update"]);
    Ok(())
}

/// The version in the running extension's manifest.
fn running_version(browser: &Browser) -> e2e::Result<String> {
    let body = "return chrome.runtime.getManifest().version;";
    let version = in_extension_page(browser, body, json!([]))?;
    Ok(version.as_str().unwrap_or_default().to_owned())
}

/// Raises the last part of the version in `dir`'s manifest by one; returns the new version.
fn raise_version(dir: &Path) -> e2e::Result<String> {
    let path = dir.join("manifest.json");
    let mut manifest: Value = serde_json::from_str(&fs::read_to_string(&path)?)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
    let old = manifest["version"].as_str().unwrap_or_default().to_owned();
    let (head, last) = old.rsplit_once('.').unwrap_or(("", &old));
    let last: u32 = last.parse().unwrap_or_default();
    let new = format!("{head}.{}", last + 1);
    manifest["version"] = json!(new);
    fs::write(&path, manifest.to_string())?;
    Ok(new)
}

fn a_tab_left_open_across_a_reload_still_secures_its_token(kind: Kind) -> e2e::Result<()> {
    secures_the_token_of_a_tab_left_open_across_a_reload(kind, PageOptions::default())
}

/// On a page whose CSP forbids wasm, Chromium's content script only relays what the page shows
/// to the background, which after a reload is no longer its own.
fn a_tab_left_open_across_a_reload_under_a_strict_csp_still_secures_its_token(
    kind: Kind,
) -> e2e::Result<()> {
    let options = PageOptions {
        strict_csp: true,
        ..PageOptions::default()
    };
    secures_the_token_of_a_tab_left_open_across_a_reload(kind, options)
}

/// Chromium leaves the old content script running in an open tab after a reload, cut off from
/// the extension: it cannot save, so it must show the token in its failed note. Firefox
/// replaces it with a fresh one, which saves as usual; either outcome secures the token.
fn secures_the_token_of_a_tab_left_open_across_a_reload(
    kind: Kind,
    options: PageOptions,
) -> e2e::Result<()> {
    let strict_csp = options.strict_csp;
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let session = browser.session();
    let page = OauthPage::open(session, &server, ACME, options)?;
    std::thread::sleep(READING_THE_PAGE);
    reload_extension(&browser)?;
    // Firefox injects the new content script into the open tab as the extension starts.
    std::thread::sleep(READING_THE_PAGE);

    let issued = page.create_token("After reload")?;

    let notice = expect_notice(&browser, SAVE_TIMEOUT);
    let dump = browser.storage_dump()?;
    let saved = token_records(&dump)
        .into_iter()
        .find(|record| record["token"] == issued.token.as_str());
    match (kind, notice.state.as_str()) {
        (Kind::Firefox, "saved") => {
            let record = saved.unwrap_or_else(|| panic!("saved note, no record; {dump:#}"));
            assert_eq!(record["name"], "After reload", "storage: {dump:#}");
        }
        (_, "failed") => {
            // The relay's recogniser runs in the background, which the reload took away: the
            // note can only say that tokens on this page are no longer saved.
            let relayed = kind == Kind::Chromium && strict_csp;
            let expected = (!relayed).then_some(issued.token.as_str());
            assert_eq!(
                notice.field.as_deref(),
                expected,
                "the failed note should hold the token to copy unless relayed: {notice:?}"
            );
            assert!(
                notice.text.contains("reloaded"),
                "the failed note should say why: {notice:?}"
            );
            assert!(saved.is_none(), "failed note, yet saved: {dump:#}");
        }
        _ => panic!(
            "unexpected notice after a reload: {notice:?}; storage: {}",
            dump_text(&browser)
        ),
    }
    Ok(())
}

/// Now, in milliseconds since the epoch.
fn epoch_ms() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    now.map_or(0, |since| since.as_millis() as u64)
}
