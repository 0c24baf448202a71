//! A minimal synchronous W3C WebDriver client: one session, its windows and its elements.

use std::fs;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::error::{Error, Result};

/// The key under which WebDriver serialises an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Key codes from the WebDriver key table, for `Element::send_keys`.
pub mod keys {
    /// Held down until the end of the `send_keys` call that contains it.
    pub const CONTROL: &str = "\u{E009}";
}

/// One browser session on a running driver; deleted (and the browser closed) on drop.
pub struct Session {
    agent: ureq::Agent,
    url: String,
}

/// A reference to an element in the session's current browsing context.
pub struct Element<'s> {
    session: &'s Session,
    id: String,
}

impl Session {
    /// Starts a browser through the driver at `driver_url` with the given capabilities.
    pub fn new(driver_url: &str, capabilities: Value) -> Result<Self> {
        // Firefox takes a few seconds to start and script calls may wait on a slow page.
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(90))
            .build();
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } });
        let url = format!("{driver_url}/session");
        let value = send(&agent, "POST", &url, Some(body))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| Error::Transport {
                command: String::from("POST /session"),
                detail: format!("no sessionId in {value}"),
            })?;
        Ok(Session {
            url: format!("{url}/{id}"),
            agent,
        })
    }

    fn get(&self, path: &str) -> Result<Value> {
        send(&self.agent, "GET", &format!("{}{path}", self.url), None)
    }

    fn post(&self, path: &str, body: Value) -> Result<Value> {
        send(
            &self.agent,
            "POST",
            &format!("{}{path}", self.url),
            Some(body),
        )
    }

    fn delete(&self, path: &str) -> Result<Value> {
        send(&self.agent, "DELETE", &format!("{}{path}", self.url), None)
    }

    /// Loads `url` in the current window and waits for the page load the driver reports.
    pub fn navigate(&self, url: &str) -> Result<()> {
        self.post("/url", json!({ "url": url })).map(drop)
    }

    /// The address of the current window's top-level document.
    pub fn current_url(&self) -> Result<String> {
        string(self.get("/url")?, "GET /url")
    }

    /// The first element matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<Element<'_>> {
        let found = self.post("/element", locator(css))?;
        self.element(&found)
    }

    /// Every element matching a CSS selector, in document order; empty when none match.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>> {
        let found = self.post("/elements", locator(css))?;
        let list = found.as_array().cloned().unwrap_or_default();
        list.iter().map(|item| self.element(item)).collect()
    }

    fn element(&self, reference: &Value) -> Result<Element<'_>> {
        let id = reference[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| Error::Transport {
                command: String::from("find element"),
                detail: format!("not an element reference: {reference}"),
            })?;
        Ok(Element {
            session: self,
            id: id.to_owned(),
        })
    }

    /// Runs a script body in the page and returns what it returns.
    pub fn execute(&self, script: &str, args: Value) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs a script body that finishes by calling `arguments[arguments.length - 1](result)`.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value> {
        self.post("/execute/async", json!({ "script": script, "args": args }))
    }

    /// The handle of the window (tab) commands currently go to.
    pub fn window_handle(&self) -> Result<String> {
        string(self.get("/window")?, "GET /window")
    }

    /// Handles of every open top-level window (tab).
    pub fn window_handles(&self) -> Result<Vec<String>> {
        let handles = self.get("/window/handles")?;
        let list = handles.as_array().cloned().unwrap_or_default();
        Ok(list
            .iter()
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect())
    }

    /// Opens a new tab without switching to it; returns its handle.
    pub fn new_tab(&self) -> Result<String> {
        let created = self.post("/window/new", json!({ "type": "tab" }))?;
        string(created["handle"].clone(), "POST /window/new")
    }

    /// Sends further commands to the window with this handle.
    pub fn switch_to_window(&self, handle: &str) -> Result<()> {
        self.post("/window", json!({ "handle": handle })).map(drop)
    }

    /// Closes the current window; commands need a `switch_to_window` afterwards.
    pub fn close_window(&self) -> Result<()> {
        self.delete("/window").map(drop)
    }

    /// Saves a PNG of the current window's viewport, creating parent folders.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let encoded = string(self.get("/screenshot")?, "GET /screenshot")?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|err| Error::Transport {
                command: String::from("GET /screenshot"),
                detail: err.to_string(),
            })?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, png)?;
        Ok(())
    }

    /// Sets a permission (e.g. `clipboard-read`) for the current page's origin; Chromium only.
    pub fn set_permission(&self, name: &str, state: &str) -> Result<()> {
        let body = json!({ "descriptor": { "name": name }, "state": state });
        self.post("/permissions", body).map(drop)
    }

    /// Runs `body`, the body of an async JS function called with `args`, in the current tab and
    /// returns its result; a thrown error or rejection becomes an `Err` with its text.
    pub fn run_async(&self, body: &str, args: Value) -> Result<Value> {
        let script = format!(
            "const done = arguments[arguments.length - 1];
            const args = Array.prototype.slice.call(arguments, 0, -1);
            (async function () {{ {body} }}).apply(null, args).then(
                (value) => done({{ value: value === undefined ? null : value }}),
                (err) => done({{ error: String(err) }}));"
        );
        let mut answer = self.execute_async(&script, args)?;
        match answer["error"].as_str() {
            Some(error) => Err(Error::Transport {
                command: String::from("script in the page"),
                detail: error.to_owned(),
            }),
            None => Ok(answer["value"].take()),
        }
    }

    /// Installs an add-on; Firefox only. A temporary one may be an unpacked folder and is gone
    /// when the browser closes; a lasting one must be packed.
    pub fn install_addon(&self, path: &Path, temporary: bool) -> Result<String> {
        let body = json!({ "path": path, "temporary": temporary });
        string(self.post("/moz/addon/install", body)?, "install add-on")
    }

    /// The browser console entries collected since the last call; chromedriver only, and only
    /// with `goog:loggingPrefs` asked for at launch.
    pub fn browser_log(&self) -> Result<Value> {
        self.post("/se/log", json!({ "type": "browser" }))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The driver may already be gone when a test failed early; nothing left to clean up then.
        let _ = self.delete("");
    }
}

impl Element<'_> {
    fn path(&self, command: &str) -> String {
        format!("/element/{}/{command}", self.id)
    }

    /// Clicks the element's centre, scrolling it into view first.
    pub fn click(&self) -> Result<()> {
        self.session.post(&self.path("click"), json!({})).map(drop)
    }

    /// Focuses the element and types `text`; see `keys` for modifiers.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        let body = json!({ "text": text });
        self.session.post(&self.path("value"), body).map(drop)
    }

    /// Empties an editable element.
    pub fn clear(&self) -> Result<()> {
        self.session.post(&self.path("clear"), json!({})).map(drop)
    }

    /// The element's rendered text.
    pub fn text(&self) -> Result<String> {
        string(self.session.get(&self.path("text"))?, "element text")
    }

    /// A DOM property (not attribute) such as `value`; `null` when absent.
    pub fn property(&self, name: &str) -> Result<Value> {
        self.session.get(&self.path(&format!("property/{name}")))
    }

    /// The element as a script argument for `Session::execute`.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}

fn locator(css: &str) -> Value {
    json!({ "using": "css selector", "value": css })
}

fn string(value: Value, command: &str) -> Result<String> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(Error::Transport {
            command: command.to_owned(),
            detail: format!("expected a string, got {other}"),
        }),
    }
}

/// Sends one command and unwraps the `value` member of the answer.
fn send(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value> {
    let command = format!("{method} {}", command_path(url));
    let request = agent.request(method, url);
    let answer = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    match answer {
        Ok(response) => read_value(response, &command),
        Err(ureq::Error::Status(_, response)) => {
            let value = read_value(response, &command)?;
            Err(Error::WebDriver {
                error: value["error"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_owned(),
                message: value["message"].as_str().unwrap_or_default().to_owned(),
                command,
            })
        }
        Err(err) => Err(Error::Transport {
            command,
            detail: err.to_string(),
        }),
    }
}

fn read_value(response: ureq::Response, command: &str) -> Result<Value> {
    let mut body: Value = response.into_json().map_err(|err| Error::Transport {
        command: command.to_owned(),
        detail: err.to_string(),
    })?;
    Ok(body["value"].take())
}

/// The part of a command URL after the session id, which is what tells commands apart.
fn command_path(url: &str) -> &str {
    let after_host = url.splitn(4, '/').nth(3).unwrap_or(url);
    match after_host.strip_prefix("session/") {
        Some(rest) => rest.split_once('/').map_or("session", |(_, path)| path),
        None => after_host,
    }
}

#[cfg(test)]
mod tests {
    use super::command_path;

    #[test]
    fn command_names_leave_out_the_session_id() {
        let url = "http://127.0.0.1:9515/session/abc123/element/e1/click";

        assert_eq!(command_path(url), "element/e1/click");
        assert_eq!(command_path("http://127.0.0.1:9515/session"), "session");
        assert_eq!(command_path("http://127.0.0.1:9515/session/abc"), "session");
    }
}
