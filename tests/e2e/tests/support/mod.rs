//! What the robustness tests share: scripts run in the extension's own pages, reloading the
//! extension, the details of its on-page notice, and the replica's `robust/` page.

// Each test file uses only part of this module.
#![allow(dead_code)]

use std::thread;
use std::time::Duration;

use e2e::{wait_until, Browser, Error, Issued, Kind, PageOptions, Result, Server, Session};
pub use e2e::{READING_THE_PAGE, SAVE_TIMEOUT};
use serde_json::{json, Value};

pub const ACME: &str = "acme.intratool.de";
pub const BETA: &str = "beta.intratool.de";

/// Longer than the extension's 100 ms field poll, its deferred full pass and a save: whatever
/// it would save has been saved by then.
pub const SETTLE: Duration = Duration::from_millis(1000);

/// How long a page step (a form opening, the server answering) may take.
const STEP: Duration = Duration::from_secs(10);

/// Runs `body`, the body of an async JS function called with `args`, in a fresh tab showing the
/// extension's popup page, where `chrome.storage` is the extension's own. Closes the tab and
/// returns to the previous one; a thrown error or rejection becomes an `Err` with its text.
pub fn in_extension_page(browser: &Browser, body: &str, args: Value) -> Result<Value> {
    browser.in_extension_page("popup.html", |session| session.run_async(body, args))
}

/// Writes `items` (a JSON object) into the extension's `chrome.storage.local`.
pub fn storage_set(browser: &Browser, items: Value) -> Result<()> {
    let body = "await chrome.storage.local.set(arguments[0]);";
    in_extension_page(browser, body, json!([items])).map(drop)
}

/// Removes `keys` from the extension's `chrome.storage.local`.
pub fn storage_remove(browser: &Browser, keys: &[&str]) -> Result<()> {
    let body = "await chrome.storage.local.remove(arguments[0]);";
    in_extension_page(browser, body, json!([keys])).map(drop)
}

/// Reloads the extension as `chrome.runtime.reload()` from one of its pages does, and waits
/// until it answers again.
///
/// `chrome.storage.session` is emptied by a reload and by nothing else a test does, so a marker
/// left there tells the reloaded extension from the old one still answering. Chromium brings an
/// unpacked extension back after `runtime.reload()` only in developer mode: without it the
/// extension stays unloaded and its pages lose `chrome.storage`.
pub fn reload_extension(browser: &Browser) -> Result<()> {
    if browser.kind() == Kind::Chromium {
        enable_developer_mode(browser.session())?;
    }
    let session = browser.session();
    let home = session.window_handle()?;
    let tab = session.new_tab()?;
    session.switch_to_window(&tab)?;
    session.navigate(&browser.extension_url("popup.html")?)?;
    let mark = "await chrome.storage.session.set({ 'e2e:before-reload': true });
        // After this script has answered: the reload closes the tab it runs in.
        setTimeout(() => chrome.runtime.reload(), 50);";
    session.run_async(mark, json!([]))?;
    // Switching tabs while the reload closes this one can leave geckodriver without an answer.
    wait_until(
        "the reload to close the extension's tab",
        SAVE_TIMEOUT,
        || Ok((!session.window_handles()?.contains(&tab)).then_some(())),
    )?;
    session.switch_to_window(&home)?;
    let marker = "const found = await chrome.storage.session.get('e2e:before-reload');
        return found['e2e:before-reload'] ?? null;";
    wait_until("the reloaded extension to answer", SAVE_TIMEOUT, || {
        let marked = in_extension_page(browser, marker, json!([]))?;
        Ok(marked.is_null().then_some(()))
    })
}

/// Switches Chromium's developer mode on, as the toggle on chrome://extensions does; it sets
/// the profile preference `extensions.ui.developer_mode`. Runs in a tab of its own.
fn enable_developer_mode(session: &Session) -> Result<()> {
    let home = session.window_handle()?;
    let tab = session.new_tab()?;
    session.switch_to_window(&tab)?;
    let body =
        "await chrome.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true });
        return (await chrome.developerPrivate.getProfileConfiguration()).inDeveloperMode;";
    let result = session
        .navigate("chrome://extensions")
        .and_then(|()| session.run_async(body, json!([])));
    let closed = session.close_window();
    session.switch_to_window(&home)?;
    closed?;
    match result? {
        Value::Bool(true) => Ok(()),
        other => Err(Error::Setup(format!(
            "developer mode did not switch on: {other}"
        ))),
    }
}

/// Opens `host`'s usual token page, creates a token called `name` and waits for the saved
/// notice.
pub fn create_and_wait(
    browser: &Browser,
    server: &Server,
    host: &str,
    name: &str,
) -> Result<Issued> {
    e2e::create_and_wait(browser, server, host, PageOptions::default(), name)
}

/// The `.name` texts of the popup's rows once it lists `count` of them; the popup must be the
/// current tab.
pub fn popup_names(session: &Session, count: usize) -> Result<Vec<String>> {
    let what = format!("the popup to list {count} tokens");
    wait_until(&what, SAVE_TIMEOUT, || {
        let rows = session.find_all("#tokens li.token")?;
        Ok((rows.len() == count).then_some(()))
    })?;
    let script = "return [...document.querySelectorAll('#tokens li.token .name')]
        .map((name) => name.textContent);";
    let names = session.execute(script, json!([]))?;
    Ok(names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect())
}

/// The popup's `#status` text once it has one; the popup must be the current tab.
pub fn popup_status(session: &Session) -> Result<String> {
    wait_until("the popup's #status to say something", SAVE_TIMEOUT, || {
        let status = session.find("#status")?.text()?;
        Ok((!status.trim().is_empty()).then_some(status))
    })
}

/// Where the replica serves the robustness tests' own token page.
const ROBUST_PATH: &str = "/profil/oauth/robust/";

/// How a test puts a name into the page's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameEntry {
    /// Typed with WebDriver key events, as a person does.
    Typed,
    /// Set by script: chromedriver cannot type characters outside the Basic Multilingual Plane
    /// (emoji), and typing 10,000 characters would take about 15 s.
    Script,
}

/// The replica's `robust/` page: Passport's create flow and nothing else, put under the
/// conditions its query asks for (`big=N`, `malformed=1`, `throw=1`, …; see `robust.js`).
pub struct RobustPage<'s> {
    session: &'s Session,
    server: &'s Server,
}

impl<'s> RobustPage<'s> {
    /// Loads the page of tenant `host` with `query` in the current tab and waits as long as a
    /// person would look at it before typing: the content script must be listening first.
    pub fn open(
        session: &'s Session,
        server: &'s Server,
        host: &str,
        query: &str,
    ) -> Result<RobustPage<'s>> {
        session.navigate(&server.url(host, &format!("{ROBUST_PATH}?{query}")))?;
        let page = RobustPage { session, server };
        page.wait_for("window.robustReadyAt", "the robust page to start")?;
        thread::sleep(READING_THE_PAGE);
        Ok(page)
    }

    /// Enters `name` in the create form, clicks "Erstellen" and returns the token the server
    /// issued, once the page has put on screen whatever it shows for it.
    pub fn create_token(&self, name: &str, entry: NameEntry) -> Result<Issued> {
        let before = self.server.issued().len();
        self.fill_name(name, entry)?;
        self.click_create()?;
        let issued = self.server.wait_for_issued(before, STEP)?;
        self.wait_for("window.tokenShownAt", "the page to show the token")?;
        Ok(issued)
    }

    /// Opens the create form and enters `name`.
    pub fn fill_name(&self, name: &str, entry: NameEntry) -> Result<()> {
        self.session.find("#open-create")?.click()?;
        let field = self.session.find("#create-token-name")?;
        match entry {
            NameEntry::Typed => field.send_keys(name),
            NameEntry::Script => {
                let script = "arguments[0].value = arguments[1];
                    arguments[0].dispatchEvent(new Event('input', { bubbles: true }));";
                self.session
                    .execute(script, json!([field.as_arg(), name]))
                    .map(drop)
            }
        }
    }

    /// Clicks "Erstellen"; returns at once.
    pub fn click_create(&self) -> Result<()> {
        self.session.find("#create-token")?.click()
    }

    /// Has the server answer the page's next create request, and so the page show its token,
    /// at `epoch_ms`: milliseconds since the epoch, by the clock the browser shares with the test.
    pub fn show_token_at(&self, epoch_ms: u64) -> Result<()> {
        let script = "window.showAt = arguments[0];";
        self.session.execute(script, json!([epoch_ms])).map(drop)
    }

    /// When the page showed the token, in milliseconds since the epoch.
    pub fn shown_at(&self) -> Result<u64> {
        self.wait_for("window.tokenShownEpoch", "the page to show the token")?;
        let at = self
            .session
            .execute("return window.tokenShownEpoch;", json!([]))?;
        Ok(at.as_u64().unwrap_or_default())
    }

    /// The strings the page put on screen after "Erstellen".
    pub fn shown(&self) -> Result<Vec<String>> {
        let shown = self
            .session
            .execute("return window.shown ?? [];", json!([]))?;
        Ok(shown
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect())
    }

    fn wait_for(&self, expression: &str, what: &str) -> Result<()> {
        let script = format!("return {expression} ?? null;");
        wait_until(what, STEP, || {
            let value = self.session.execute(&script, json!([]))?;
            Ok((!value.is_null()).then_some(()))
        })
    }
}
