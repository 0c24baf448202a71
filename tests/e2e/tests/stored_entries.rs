//! Entries in storage that the content script did not write: foreign or damaged entries are
//! counted and left alone, records of the first release are read as they are, an export downloads
//! a file that brings every token back, and a backup file is imported once, entry by entry.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e::{
    dump_text, token_entries, wait_until, Browser, Kind, OauthPage, Options, PageOptions, Server,
    Session, TempDir,
};
use serde_json::{json, Value};
use support::{
    create_and_wait, popup_names, popup_status, storage_remove, storage_set, ACME, SAVE_TIMEOUT,
};

e2e::in_each_browser!(
    counts_damaged_and_foreign_entries_and_leaves_them_alone,
    lists_first_release_records_by_what_their_token_says_and_leaves_them_as_stored,
    exports_a_file_that_brings_every_token_back,
    removes_a_pending_name_older_than_five_minutes,
    imports_a_backup_once_and_names_every_entry_it_skips,
);

fn counts_damaged_and_foreign_entries_and_leaves_them_alone(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    create_and_wait(&browser, &server, ACME, "Good")?;
    let planted = json!({ "token:broken": 42, "token:other": { "foo": 1 } });
    storage_set(&browser, planted)?;

    browser.open_popup()?;

    let session = browser.session();
    let names = popup_names(session, 1)?;
    let status = popup_status(session)?;
    let dump = browser.storage_dump()?;
    assert_eq!(
        names,
        ["Good"],
        "the good token is listed; storage: {dump:#}"
    );
    assert!(
        status.contains("2 saved entries could not be read"),
        "the popup should count the two planted entries, said {status:?}; storage: {dump:#}"
    );
    assert_eq!(
        dump["token:broken"], 42,
        "left untouched; storage: {dump:#}"
    );
    assert_eq!(
        dump["token:other"],
        json!({ "foo": 1 }),
        "left untouched; storage: {dump:#}"
    );
    Ok(())
}

/// The first release (record format 1) also stored the token's claims. Format 2 reads them from
/// the token, so claims that disagree with it, as an edited backup could make them, are not
/// believed. Reading upgrades in memory only: the stored entry stays exactly as it was.
fn lists_first_release_records_by_what_their_token_says_and_leaves_them_as_stored(
    kind: Kind,
) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    create_and_wait(&browser, &server, ACME, "Current")?;
    let issued = create_and_wait(&browser, &server, ACME, "First release")?;
    let (key, record) = token_entries(&browser.storage_dump()?)
        .into_iter()
        .find(|(_, record)| record["token"] == issued.token)
        .expect("the token was saved");
    let mut first_release = record.clone();
    first_release["v"] = json!(1);
    // 4102444800 is 1 January 2100; the token itself expires in a year.
    first_release["claims"] = json!({
        "jti": "forged", "sub": "1", "aud": ["1"], "scopes": [],
        "iat": null, "nbf": null, "exp": 4_102_444_800_u64
    });
    storage_set(&browser, json!({ key.clone(): first_release.clone() }))?;

    browser.open_popup()?;

    let session = browser.session();
    let names = popup_names(session, 2)?;
    let row = format!("#tokens li.token[data-key=\"{key}\"] .expires");
    let expires = session.find(&row)?.text()?;
    let status = session.find("#status")?.text()?;
    let dump = browser.storage_dump()?;
    assert_eq!(names, ["First release", "Current"], "storage: {dump:#}");
    assert!(
        expires.starts_with("Expires") && !expires.contains("2100"),
        "the expiry should be the token's own, not the stored claim's: {expires:?}"
    );
    assert!(
        !status.contains("could not be read"),
        "a first-release record is readable: {status:?}; storage: {dump:#}"
    );
    assert_eq!(
        dump[&key], first_release,
        "the stored entry should be left exactly as it was; storage: {dump:#}"
    );
    Ok(())
}

/// A name typed at "Erstellen" waits in storage for the token of a form post; one older than
/// five minutes belongs to an abandoned attempt and is removed when the page opens next.
fn removes_a_pending_name_older_than_five_minutes(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    let key = format!("pending:{ACME}");
    let stale = json!({ "name": "Abandoned", "at": now - 6 * 60 * 1000 });
    let recent = json!({ "name": "Recent", "at": now - 60 * 1000 });
    storage_set(
        &browser,
        json!({ key.clone(): stale, "pending:beta.intratool.de": recent }),
    )?;

    OauthPage::open(browser.session(), &server, ACME, PageOptions::default())?;

    let gone = wait_until("the stale pending name to go", SAVE_TIMEOUT, || {
        let dump = browser.storage_dump()?;
        Ok(dump.get(&key).is_none().then_some(dump))
    });
    let dump = browser.storage_dump()?;
    assert!(
        gone.is_ok(),
        "the stale name is still stored; storage: {dump:#}"
    );
    assert_eq!(
        dump["pending:beta.intratool.de"]["name"], "Recent",
        "another tenant's recent name stays; storage: {dump:#}"
    );
    Ok(())
}

/// The export is a real download through the browser: the file that lands on disk, imported
/// into the emptied storage, restores every record exactly.
fn exports_a_file_that_brings_every_token_back(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let downloads = TempDir::new(&format!("{}-downloads", kind.name()))?;
    let options = Options {
        downloads: Some(downloads.path().to_owned()),
        ..Options::default()
    };
    let browser = Browser::launch_with(kind, &options)?;
    for name in ["Export Eins", "Export Zwei"] {
        create_and_wait(&browser, &server, ACME, name)?;
    }
    let saved = token_entries(&browser.storage_dump()?);
    let session = browser.session();
    browser.open_popup()?;
    session.navigate(&browser.extension_url("popup.html?view=tab")?)?;

    session.find("#export")?.click()?;

    let report = wait_until("the export's report", SAVE_TIMEOUT, || {
        let text = session.find("#report")?.text()?;
        Ok((!text.is_empty()).then_some(text))
    })?;
    let file = downloaded_json(downloads.path())?;
    let text = fs::read_to_string(&file)?;
    let backup: Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("the exported file is not JSON ({err}): {text}"));
    assert!(
        report.starts_with("Exported 2 tokens."),
        "the popup should report the export: {report:?}"
    );
    let file_name = file.file_name().unwrap_or_default().to_string_lossy();
    assert!(
        file_name.starts_with("token-saver-backup-"),
        "the file's name: {file_name}"
    );
    assert_eq!(backup["format"], "token-saver-backup", "{backup:#}");
    let mut exported: Vec<&str> = backup["tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|record| record["name"].as_str())
        .collect();
    exported.sort_unstable();
    assert_eq!(exported, ["Export Eins", "Export Zwei"], "{backup:#}");

    let keys: Vec<&str> = saved.iter().map(|(key, _)| key.as_str()).collect();
    storage_remove(&browser, &keys)?;
    let lines = import(session, &file)?;
    let restored = browser.storage_dump()?;
    assert!(
        lines[0].starts_with("Imported 2 new tokens; 0 were already saved"),
        "{lines:?}; storage: {restored:#}"
    );
    assert_eq!(
        token_entries(&restored),
        saved,
        "the import should restore every record exactly; storage: {restored:#}"
    );
    Ok(())
}

/// The one JSON file in `dir`, once the browser has finished writing it.
fn downloaded_json(dir: &Path) -> e2e::Result<PathBuf> {
    wait_until("the export's download", Duration::from_secs(10), || {
        let mut files = Vec::new();
        for entry in fs::read_dir(dir)? {
            files.push(entry?.path());
        }
        // Both browsers write to a side file (.crdownload, .part) and rename it when done.
        let done: Vec<&PathBuf> = files
            .iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        Ok(match (done.as_slice(), files.len()) {
            ([file], 1) => Some(file.to_path_buf()),
            _ => None,
        })
    })
}

fn imports_a_backup_once_and_names_every_entry_it_skips(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    for name in ["Import Eins", "Import Zwei", "Import Drei"] {
        create_and_wait(&browser, &server, ACME, name)?;
    }
    let saved = token_entries(&browser.storage_dump()?);
    // The first stays saved; the other two are from now on only in the backup.
    let removed: Vec<&str> = saved[1..].iter().map(|(key, _)| key.as_str()).collect();
    storage_remove(&browser, &removed)?;
    let mut bad_token = saved[0].1.clone();
    bad_token["token"] = json!("not-a-token");
    bad_token["name"] = json!("Bad token");
    let mut foreign = saved[1].1.clone();
    foreign["host"] = json!("acme.intratool.de.evil.example");
    foreign["name"] = json!("Foreign host");
    let mut entries: Vec<Value> = saved.iter().map(|(_, record)| record.clone()).collect();
    entries.extend([bad_token, foreign]);
    let backup = Backup::write(kind, &entries)?;
    let session = browser.session();
    browser.open_popup()?;
    session.navigate(&browser.extension_url("popup.html?view=tab")?)?;

    let first = import(session, &backup.path)?;
    let after_first = browser.storage_dump()?;
    let second = import(session, &backup.path)?;
    let after_second = browser.storage_dump()?;

    assert_eq!(
        first.len(),
        3,
        "one summary line and one per skipped entry: {first:?}"
    );
    assert!(
        first[0].starts_with("Imported 2 new tokens; 1 were already saved"),
        "{first:?}; storage: {after_first:#}"
    );
    assert!(
        first[1].starts_with("Entry 4 skipped:") && first[1].contains("not a token"),
        "the bad token's entry and its reason: {first:?}"
    );
    assert!(
        first[2].starts_with("Entry 5 skipped:") && first[2].contains("evil.example"),
        "the foreign host's entry and its reason: {first:?}"
    );
    assert_eq!(
        token_entries(&after_first),
        saved,
        "storage should hold exactly the three valid records, unchanged; storage: {after_first:#}"
    );
    let stored = after_first.to_string();
    assert!(
        !stored.contains("not-a-token") && !stored.contains("evil.example"),
        "nothing of the skipped entries may be stored; storage: {after_first:#}"
    );
    assert!(
        second[0].starts_with("Imported 0 new tokens; 3 were already saved"),
        "the second import should add nothing: {second:?}"
    );
    assert_eq!(
        after_second,
        after_first,
        "the second import changed storage; storage: {}",
        dump_text(&browser)
    );
    Ok(())
}

/// Chooses `file` in the import field of the current tab (the popup as a tab) and returns the
/// lines of the report it shows.
fn import(session: &Session, file: &std::path::Path) -> e2e::Result<Vec<String>> {
    session.execute(
        "document.getElementById('report').replaceChildren();",
        json!([]),
    )?;
    session
        .find("#import")?
        .send_keys(&file.display().to_string())?;
    let lines = e2e::wait_until("the import report", SAVE_TIMEOUT, || {
        let items = session.find_all("#report li")?;
        if items.is_empty() {
            return Ok(None);
        }
        let texts: e2e::Result<Vec<String>> = items.iter().map(|item| item.text()).collect();
        Ok(Some(texts?))
    })?;
    Ok(lines)
}

/// A backup file in a temporary folder, removed with it on drop.
struct Backup {
    path: PathBuf,
    _dir: TempDir,
}

impl Backup {
    /// Writes `tokens` in the extension's backup format.
    fn write(kind: Kind, tokens: &[Value]) -> e2e::Result<Backup> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let file = json!({
            "format": "token-saver-backup",
            "version": 1,
            "exported_at": now.as_millis() as u64,
            "tokens": tokens,
        });
        let dir = TempDir::new(&format!("{}-backup", kind.name()))?;
        let path = dir.path().join("backup.json");
        fs::write(
            &path,
            serde_json::to_string_pretty(&file).unwrap_or_default(),
        )?;
        Ok(Backup { path, _dir: dir })
    }
}
