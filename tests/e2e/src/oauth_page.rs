//! Driving the replica's "Personal Access Tokens" page the way a person does.

use std::time::Duration;

use serde_json::{json, Value};

use crate::error::Result;
use crate::server::Server;
use crate::wait::wait_until;
use crate::webdriver::Session;

/// Where the page lives on every tenant.
pub const PATH: &str = "/profil/oauth/";

/// How long a page step (a modal opening, the server answering) may take.
const STEP: Duration = Duration::from_secs(10);

/// How the page puts the new token on screen; each reaches the extension differently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// `textarea.value = token` from script: no DOM mutation at all.
    #[default]
    Value,
    /// The textarea's `textContent`, as Vue's mustache does: a child-list mutation.
    Text,
    /// New markup with the token as text in a `<code>`, inserted into the modal.
    Insert,
}

impl Show {
    fn param(self) -> &'static str {
        match self {
            Show::Value => "value",
            Show::Text => "text",
            Show::Insert => "insert",
        }
    }
}

/// Which variant of the page to load.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageOptions {
    pub show: Show,
    /// Serve the page with `Content-Security-Policy: script-src 'self'`.
    pub strict_csp: bool,
    /// Let the server wait this long before answering the create request.
    pub delay_ms: Option<u64>,
}

impl PageOptions {
    /// The page's path with the query that selects this variant.
    pub fn path(&self) -> String {
        let mut path = format!("{PATH}?show={}", self.show.param());
        if self.strict_csp {
            path.push_str("&csp=strict");
        }
        if let Some(delay) = self.delay_ms {
            path.push_str(&format!("&delay_ms={delay}"));
        }
        path
    }
}

/// The token page, loaded in a session's current tab.
pub struct OauthPage<'s> {
    session: &'s Session,
    show: Show,
}

impl<'s> OauthPage<'s> {
    /// Loads the page of tenant `host` from `server` in the current tab.
    pub fn open(
        session: &'s Session,
        server: &Server,
        host: &str,
        options: PageOptions,
    ) -> Result<OauthPage<'s>> {
        session.navigate(&server.url(host, &options.path()))?;
        Ok(OauthPage {
            session,
            show: options.show,
        })
    }

    /// Creates a token called `name` through the modal and returns the token the page shows.
    pub fn create_token(&self, name: &str) -> Result<String> {
        self.session.find(".card-header .action-link")?.click()?;
        self.wait_visible("#modal-create-token")?;
        self.session.find("#create-token-name")?.send_keys(name)?;
        // Like Passport's component, the button sits in the modal footer, outside the form.
        let create = "#modal-create-token .modal-footer .btn-primary";
        self.session.find(create)?.click()?;
        self.wait_for_number("window.tokenShownAt", "the page to show the new token")?;
        self.shown_token()
    }

    /// The token as the page displays it.
    pub fn shown_token(&self) -> Result<String> {
        let shown = match self.show {
            Show::Value | Show::Text => self.session.find("#access-token")?.property("value")?,
            Show::Insert => Value::String(self.session.find("#modal-access-token code")?.text()?),
        };
        Ok(shown.as_str().unwrap_or_default().to_owned())
    }

    /// Waits for the extension's notice and returns its `data-state` and the text it shows.
    pub fn wait_for_notice(&self, timeout: Duration) -> Result<(String, String)> {
        let script = "
            const notice = document.querySelector('token-saver-notice');
            if (!notice || !notice.dataset.state) return null;
            if (!notice.shadowRoot) return [notice.dataset.state, ''];
            const walk = document.createTreeWalker(notice.shadowRoot, NodeFilter.SHOW_TEXT);
            const words = [];
            while (walk.nextNode()) {
                const text = walk.currentNode;
                if (text.parentNode.localName !== 'style') words.push(text.data.trim());
            }
            return [notice.dataset.state, words.filter(Boolean).join(' ')];";
        // The state and the message may land in separate steps; wait for both.
        let what = "a <token-saver-notice> with data-state and a message in its shadow root";
        wait_until(what, timeout, || {
            let found = self.session.execute(script, json!([]))?;
            let (state, text) = (found[0].as_str(), found[1].as_str().unwrap_or_default());
            let complete = state.filter(|_| !text.is_empty());
            Ok(complete.map(|state| (state.to_owned(), text.to_owned())))
        })
    }

    /// Whether any `<token-saver-notice>` is in the document now.
    pub fn has_notice(&self) -> Result<bool> {
        let script = "return document.querySelector('token-saver-notice') !== null;";
        Ok(self.session.execute(script, json!([]))? == json!(true))
    }

    /// Milliseconds from the page showing the token to the extension's notice appearing.
    pub fn notice_latency_ms(&self, timeout: Duration) -> Result<f64> {
        let shown_at = self.wait_for_number("window.tokenShownAt", "the token to show")?;
        let wait = "the extension's notice (window.noticeShownAt)";
        let notice_at = wait_until(wait, timeout, || self.number("window.noticeShownAt"))?;
        Ok(notice_at - shown_at)
    }

    /// Values on the page that look secret but are not tokens: the CSRF token in the meta tag
    /// and hidden input, and the ids of existing tokens.
    pub fn decoys(&self) -> Result<Vec<String>> {
        let script = "
            const csrf = document.querySelector('meta[name=csrf-token]').content;
            const hidden = document.querySelector('input[name=_token]').value;
            const ids = [...document.querySelectorAll('.token-id')].map((e) => e.textContent);
            return [csrf, hidden, ...ids];";
        let found = self.session.execute(script, json!([]))?;
        let list = found.as_array().cloned().unwrap_or_default();
        Ok(list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect())
    }

    fn number(&self, expression: &str) -> Result<Option<f64>> {
        let value = self
            .session
            .execute(&format!("return {expression} ?? null;"), json!([]))?;
        Ok(value.as_f64())
    }

    fn wait_for_number(&self, expression: &str, what: &str) -> Result<f64> {
        wait_until(what, STEP, || self.number(expression))
    }

    fn wait_visible(&self, css: &str) -> Result<()> {
        let script = "
            const el = document.querySelector(arguments[0]);
            return el !== null && getComputedStyle(el).display !== 'none';";
        wait_until(&format!("{css} to be visible"), STEP, || {
            let visible = self.session.execute(script, json!([css]))?;
            Ok((visible == json!(true)).then_some(()))
        })
    }
}
