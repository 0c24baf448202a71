//! A headless Chromium or Firefox with the built extension loaded, and access to its pages.

use std::cell::Cell;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::driver::Driver;
use crate::error::{Error, Result};
use crate::paths;
use crate::server::HOSTS;
use crate::storage::token_records;
use crate::wait::wait_until;
use crate::webdriver::{keys, Session};

/// The extension's id in Firefox, from its manifest.
pub const GECKO_ID: &str = "token-saver@intratool-extension";

/// Fixed so the extension's moz-extension:// host name is known before it is installed.
const FIREFOX_UUID: &str = "5f0c1a2e-7b3d-4c8e-9a61-2d4f8b0e3c57";

/// The Firefox id of `tests/e2e/other-extension`, from its manifest, and its fixed host name.
const OTHER_GECKO_ID: &str = "other-extension@e2e.invalid";
const OTHER_FIREFOX_UUID: &str = "0b7e2c1d-3f4a-4e5b-8c6d-9a0f1e2d3c4b";

/// Which browser to drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Chromium,
    Firefox,
}

impl Kind {
    /// Both browsers, in the order suites and benchmarks run them.
    pub const ALL: [Kind; 2] = [Kind::Chromium, Kind::Firefox];

    /// A lowercase name for file names and reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Chromium => "chromium",
            Kind::Firefox => "firefox",
        }
    }

    /// The folder in `dist/` that holds this browser's build.
    pub fn build_folder(self) -> &'static str {
        match self {
            Kind::Chromium => "chrome",
            Kind::Firefox => "firefox",
        }
    }
}

/// How to launch a browser.
#[derive(Clone, Debug)]
pub struct Options {
    /// Load the built extension; off only for tests of the harness itself.
    pub extension: bool,
    /// Load the unpacked extension from this folder instead of `dist/`, for a test that changes
    /// its files (an update). Not with `profile` in Firefox, which installs the packed zip.
    pub extension_dir: Option<PathBuf>,
    /// UI language, e.g. `en` or `de`.
    pub lang: String,
    /// A profile folder kept across launches, as a person's own is; `None` for a fresh one.
    /// Firefox then installs the packed extension for good instead of as a temporary add-on,
    /// because a temporary one is removed when the browser closes.
    pub profile: Option<PathBuf>,
    /// Where downloads are saved without asking.
    pub downloads: Option<PathBuf>,
    /// Keep every page's console for [`Browser::console_messages`].
    pub console_log: bool,
    /// Also load `tests/e2e/other-extension`, a second extension with no permissions, as a
    /// person may have; its pages are at [`Browser::other_extension_url`].
    pub other_extension: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            extension: true,
            extension_dir: None,
            lang: String::from("en"),
            profile: None,
            downloads: None,
            console_log: false,
            other_extension: false,
        }
    }
}

/// A running browser; closed on drop.
pub struct Browser {
    kind: Kind,
    // Declared before the driver so the session is deleted while the driver still runs.
    session: Session,
    driver: Driver,
    extension_base: Option<String>,
    other_base: Option<String>,
    /// How much of the driver's log [`Browser::console_messages`] has already read.
    log_read: Cell<u64>,
}

impl Browser {
    /// Launches `kind` with the built extension and waits until the extension answers.
    pub fn launch(kind: Kind) -> Result<Browser> {
        Browser::launch_with(kind, &Options::default())
    }

    /// Launches `kind` as `options` say.
    pub fn launch_with(kind: Kind, options: &Options) -> Result<Browser> {
        let browser = match kind {
            Kind::Chromium => launch_chromium(options)?,
            Kind::Firefox => launch_firefox(options)?,
        };
        if browser.extension_base.is_some() {
            browser.wait_for_extension()?;
        }
        Ok(browser)
    }

    /// Which browser this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The WebDriver session, for driving pages directly.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The address of a file in the extension, e.g. `popup.html`.
    pub fn extension_url(&self, path: &str) -> Result<String> {
        address(&self.extension_base, "the extension", path)
    }

    /// The address of a file in `tests/e2e/other-extension`, when it was loaded.
    pub fn other_extension_url(&self, path: &str) -> Result<String> {
        address(&self.other_base, "the other extension", path)
    }

    /// Everything in the extension's `chrome.storage.local`, read from one of its own pages.
    pub fn storage_dump(&self) -> Result<Value> {
        self.in_extension_page("popup.html", |session| {
            session.run_async("return await chrome.storage.local.get(null);", json!([]))
        })
    }

    /// The storage dump once it holds a token record for `token`.
    ///
    /// For pages that may be gone before a notice could be seen; each look opens a tab.
    pub fn wait_for_saved(&self, token: &str, timeout: Duration) -> Result<Value> {
        let what = format!("a saved record of {token}");
        wait_until(&what, timeout, || {
            let dump = self.storage_dump()?;
            let saved = token_records(&dump)
                .iter()
                .any(|record| record["token"] == token);
            Ok(saved.then_some(dump))
        })
    }

    /// Opens the popup page in a new tab and switches to it; returns the previous tab's handle.
    pub fn open_popup(&self) -> Result<String> {
        let url = self.extension_url("popup.html")?;
        let previous = self.session.window_handle()?;
        let tab = self.session.new_tab()?;
        self.session.switch_to_window(&tab)?;
        self.session.navigate(&url)?;
        Ok(previous)
    }

    /// What the browser's clipboard holds, read by pasting into the current page.
    ///
    /// A real Ctrl+V works in both headless browsers, each of which has an in-memory clipboard.
    /// `navigator.clipboard.readText()` would not: Firefox waits on its paste prompt in a web
    /// page and refuses without user activation in an extension page.
    pub fn paste_clipboard(&self) -> Result<String> {
        self.session.execute(INSERT_PASTE_TARGET, json!([]))?;
        let target = self.session.find("#e2e-paste-target")?;
        target.send_keys(&format!("{}v", keys::CONTROL))?;
        let pasted = target.property("value")?;
        self.session.execute(REMOVE_PASTE_TARGET, json!([]))?;
        Ok(pasted.as_str().unwrap_or_default().to_owned())
    }

    /// What the pages' consoles showed since the last call, one line each; needs
    /// `Options::console_log`.
    ///
    /// Chromium's driver keeps the log: `level: address line:column text`. Firefox writes its
    /// console to its standard output, which goes to the driver's log file: script errors as
    /// `JavaScript error: address, line n: text` and, with the prefs `Options::console_log`
    /// sets, `console.log: text` and the like.
    pub fn console_messages(&self) -> Result<Vec<String>> {
        if self.kind == Kind::Firefox {
            return self.firefox_console();
        }
        let entries = self.session.browser_log()?;
        Ok(entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| {
                let level = entry["level"].as_str().unwrap_or("?");
                let text = entry["message"].as_str().unwrap_or_default();
                format!("{level}: {text}")
            })
            .collect())
    }

    fn firefox_console(&self) -> Result<Vec<String>> {
        let mut log = std::fs::File::open(self.driver.log())?;
        log.seek(SeekFrom::Start(self.log_read.get()))?;
        let mut bytes = Vec::new();
        self.log_read
            .set(self.log_read.get() + log.read_to_end(&mut bytes)? as u64);
        // The browser may be writing as this reads: a line cut in a character must not fail.
        let text = String::from_utf8_lossy(&bytes);
        let console = ["JavaScript ", "console."];
        Ok(text
            .lines()
            .filter(|line| console.iter().any(|start| line.starts_with(start)))
            .map(str::to_owned)
            .collect())
    }

    /// Saves a PNG of the current tab to `target/e2e-screenshots/<name>.png`.
    pub fn screenshot(&self, name: &str) -> Result<std::path::PathBuf> {
        let path = paths::screenshot_path(name);
        self.session.screenshot(&path)?;
        Ok(path)
    }

    fn wait_for_extension(&self) -> Result<()> {
        // The first navigation can race the extension's start; its storage answering means its
        // pages, and with them its content scripts, are registered.
        let what = format!(
            "the extension in {} to answer in popup.html",
            self.kind.name()
        );
        wait_until(&what, Duration::from_secs(20), || {
            self.storage_dump().map(Some)
        })
        .map(drop)
    }

    /// Runs `f` in a fresh tab showing the extension page `path`, where `chrome.storage` is the
    /// extension's own, then closes the tab and switches back, whatever `f` returned.
    pub fn in_extension_page<T>(
        &self,
        path: &str,
        f: impl FnOnce(&Session) -> Result<T>,
    ) -> Result<T> {
        let url = self.extension_url(path)?;
        let home = self.session.window_handle()?;
        let tab = self.session.new_tab()?;
        self.session.switch_to_window(&tab)?;
        let result = self.session.navigate(&url).and_then(|()| f(&self.session));
        let closed = self.session.close_window();
        self.session.switch_to_window(&home)?;
        closed?;
        result
    }
}

/// `path` under `base`, the address of an extension loaded as `what`.
fn address(base: &Option<String>, what: &str, path: &str) -> Result<String> {
    match base {
        Some(base) => Ok(format!("{base}{path}")),
        None => Err(Error::Setup(format!(
            "this browser was launched without {what}"
        ))),
    }
}

const INSERT_PASTE_TARGET: &str = "
    const field = document.createElement('textarea');
    field.id = 'e2e-paste-target';
    document.body.append(field);
    field.focus();
    return null;";

const REMOVE_PASTE_TARGET: &str = "document.getElementById('e2e-paste-target').remove();";

fn launch_chromium(options: &Options) -> Result<Browser> {
    let driver_bin = paths::binary("CHROMEDRIVER", "/usr/bin/chromedriver")?;
    let browser_bin = paths::binary("CHROMIUM", "/usr/bin/chromium")?;
    let mut args = chromium_args(&options.lang);
    if let Some(profile) = &options.profile {
        args.push(format!("--user-data-dir={}", profile.display()));
    }
    let mut extension_base = None;
    let mut other_base = None;
    let mut load = Vec::new();
    if options.extension {
        let dir = unpacked(options, Kind::Chromium)?;
        extension_base = Some(format!(
            "chrome-extension://{}/",
            chromium_extension_id(&dir)
        ));
        load.push(dir.display().to_string());
    }
    if options.other_extension {
        let dir = paths::other_extension_dir()?;
        other_base = Some(format!(
            "chrome-extension://{}/",
            chromium_extension_id(&dir)
        ));
        load.push(dir.display().to_string());
    }
    if !load.is_empty() {
        let load = load.join(",");
        args.push(format!("--load-extension={load}"));
        args.push(format!("--disable-extensions-except={load}"));
    }
    let driver = Driver::start(Command::new(driver_bin), "chromedriver")?;
    let mut prefs = json!({ "intl.accept_languages": options.lang });
    if let Some(dir) = &options.downloads {
        prefs["download.default_directory"] = json!(dir);
        prefs["download.prompt_for_download"] = json!(false);
    }
    let mut capabilities = json!({
        "browserName": "chrome",
        "acceptInsecureCerts": true,
        "goog:chromeOptions": {
            "binary": browser_bin,
            "args": args,
            "prefs": prefs,
        },
    });
    if options.console_log {
        capabilities["goog:loggingPrefs"] = json!({ "browser": "ALL" });
    }
    let session = Session::new(driver.url(), capabilities)?;
    Ok(Browser {
        kind: Kind::Chromium,
        session,
        driver,
        extension_base,
        other_base,
        log_read: Cell::new(0),
    })
}

fn chromium_args(lang: &str) -> Vec<String> {
    let fixed = [
        // Root cannot use the sandbox; the new headless mode is the one that runs extensions.
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--ignore-certificate-errors",
        "--window-size=1280,900",
        "--host-resolver-rules=MAP *.intratool.de 127.0.0.1",
    ];
    let mut args: Vec<String> = fixed.iter().map(|arg| arg.to_string()).collect();
    args.push(format!("--lang={lang}"));
    args
}

/// The id Chromium gives an unpacked extension without a `key`: sha256 of its folder's
/// absolute path, first 32 hex digits, each digit 0-f written as a letter a-p.
pub fn chromium_extension_id(dir: &Path) -> String {
    let digest = Sha256::digest(dir.as_os_str().as_encoded_bytes());
    digest
        .iter()
        .take(16)
        .flat_map(|byte| [byte >> 4, byte & 0x0f])
        .map(|nibble| char::from(b'a' + nibble))
        .collect()
}

fn launch_firefox(options: &Options) -> Result<Browser> {
    let driver_bin = paths::geckodriver()?;
    let browser_bin = paths::binary("FIREFOX", "/usr/bin/firefox-esr")?;
    let extension = options
        .extension
        .then(|| unpacked(options, Kind::Firefox))
        .transpose()?;
    let mut command = Command::new(driver_bin);
    // Without it geckodriver refuses to drive moz-extension:// pages.
    command.arg("--allow-system-access");
    let driver = Driver::start(command, "geckodriver")?;
    let mut args = vec![String::from("-headless")];
    if let Some(profile) = &options.profile {
        args.extend([String::from("-profile"), profile.display().to_string()]);
    }
    let capabilities = json!({
        "browserName": "firefox",
        "acceptInsecureCerts": true,
        "moz:firefoxOptions": {
            "binary": browser_bin,
            "args": args,
            "prefs": firefox_prefs(options),
        },
    });
    let session = Session::new(driver.url(), capabilities)?;
    let other_base = if options.other_extension {
        session.install_addon(&paths::other_extension_dir()?, true)?;
        Some(format!("moz-extension://{OTHER_FIREFOX_UUID}/"))
    } else {
        None
    };
    match (&extension, &options.profile) {
        (None, _) => {}
        (Some(dir), None) => drop(session.install_addon(dir, true)?),
        (Some(dir), Some(profile)) => {
            // Installed for good on the first launch; later launches find it in the profile.
            let installed = profile.join("extensions").join(format!("{GECKO_ID}.xpi"));
            if !installed.exists() {
                session.install_addon(&packed(dir)?, false)?;
            }
        }
    }
    Ok(Browser {
        kind: Kind::Firefox,
        session,
        driver,
        extension_base: extension.map(|_| format!("moz-extension://{FIREFOX_UUID}/")),
        other_base,
        log_read: Cell::new(0),
    })
}

fn firefox_prefs(options: &Options) -> Value {
    let uuids = json!({ GECKO_ID: FIREFOX_UUID, OTHER_GECKO_ID: OTHER_FIREFOX_UUID }).to_string();
    let mut prefs = json!({
        "network.dns.localDomains": HOSTS.join(","),
        // Local domains also resolve to ::1, where the replica does not listen.
        "network.dns.disableIPv6": true,
        "extensions.webextensions.uuids": uuids,
        "intl.locale.requested": options.lang,
        "intl.accept_languages": options.lang,
    });
    if options.profile.is_some() {
        // A lasting install of an unsigned add-on; Firefox ESR honours this, release builds
        // do not. The store signs the real one.
        prefs["xpinstall.signatures.required"] = json!(false);
    }
    if options.console_log {
        // Console calls of web pages and of everything else (content scripts included) go to
        // standard output; script errors always do.
        prefs["devtools.console.stdout.content"] = json!(true);
    }
    if let Some(dir) = &options.downloads {
        prefs["browser.download.folderList"] = json!(2);
        prefs["browser.download.dir"] = json!(dir);
        prefs["browser.download.useDownloadDir"] = json!(true);
        prefs["browser.download.always_ask_before_handling_new_types"] = json!(false);
    }
    prefs
}

/// The unpacked extension to load: `options.extension_dir`, or `kind`'s build in `dist/`.
fn unpacked(options: &Options, kind: Kind) -> Result<PathBuf> {
    match &options.extension_dir {
        // Chromium derives the id from the canonical path.
        Some(dir) => Ok(dir.canonicalize()?),
        None => paths::extension_dir(kind.build_folder()),
    }
}

/// The store zip `build.sh` packs beside the unpacked folder `dir`.
fn packed(dir: &Path) -> Result<PathBuf> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let zip = dir.with_file_name(format!("token-saver-{name}.zip"));
    if zip.exists() {
        Ok(zip)
    } else {
        Err(Error::Setup(format!(
            "no packed extension at {}: run ./build.sh first",
            zip.display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_id_is_32_letters_from_a_to_p() {
        let id = chromium_extension_id(Path::new("/work/main/dist/chrome"));

        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| ('a'..='p').contains(&c)), "{id}");
    }
}
