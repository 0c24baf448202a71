//! Driving the replica's "Personal Access Tokens" page the way a person does.

use std::time::Duration;

use serde_json::json;

use crate::error::{Error, Result};
use crate::notice::{self, Notice};
use crate::server::{Issued, Server, TokenKind};
use crate::wait::wait_until;
use crate::webdriver::Session;

/// Where the page lives on every tenant.
pub const PATH: &str = "/profil/oauth/";

/// The single-page dashboard that reaches the token page with `history.pushState`.
pub const DASHBOARD: &str = "/dashboard/";

/// A person looks at a page before typing into it. WebDriver types within milliseconds of the
/// load event, before the extension's content script may be listening: Firefox's was seen to
/// need up to ~250 ms on a fresh page (0.5 s leaves room for a slower CI machine).
pub const READING_THE_PAGE: Duration = Duration::from_millis(500);

/// How long a page step (a modal opening, the server answering) may take.
const STEP: Duration = Duration::from_secs(10);

/// The longest `delay_ms` a test asks the server for.
const SLOWEST_SERVER: Duration = Duration::from_secs(5);

/// How the page puts the new token on screen; each reaches the extension differently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// `textarea.value = token` from script: no DOM mutation at all.
    #[default]
    Value,
    /// `input.value = token` on a read-only text input, from script: no DOM mutation either.
    Input,
    /// The textarea's `textContent`, as Vue's mustache does: a child-list mutation.
    Text,
    /// New markup with the token as text in a `<code>`, inserted into the modal.
    Insert,
    /// Text put into a closed `<dialog>` already in the page, then `showModal()`.
    Dialog,
    /// Markup inserted into the open shadow root of a custom element on the page; no modal.
    Shadow,
}

impl Show {
    /// Every variant, for checks that go through all of them.
    pub const ALL: [Show; 6] = [
        Show::Value,
        Show::Input,
        Show::Text,
        Show::Insert,
        Show::Dialog,
        Show::Shadow,
    ];

    fn param(self) -> &'static str {
        match self {
            Show::Value => "value",
            Show::Input => "input",
            Show::Text => "text",
            Show::Insert => "insert",
            Show::Dialog => "dialog",
            Show::Shadow => "shadow",
        }
    }
}

/// What the page does once the token is on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum After {
    /// Leaves it there.
    #[default]
    Stay,
    /// Removes it again after 150 ms and closes what showed it.
    Clear,
    /// Goes to the tenant's dashboard (`location.assign`) 50 ms after showing it.
    Leave,
}

impl After {
    fn param(self) -> Option<&'static str> {
        match self {
            After::Stay => None,
            After::Clear => Some("clear"),
            After::Leave => Some("leave"),
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
    /// Render the token this many times, 100 ms apart, each time into a fresh element, the way
    /// a framework re-renders; 0 and 1 both mean once.
    pub renders: u32,
    /// What the page does once the token is on screen.
    pub after: After,
    /// Which kind of secret the server issues.
    pub token: TokenKind,
    /// Sanctum's `token_prefix`, put before the random part of a Sanctum token.
    pub sanctum_prefix: Option<&'static str>,
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
        if self.renders > 1 {
            path.push_str(&format!("&renders={}", self.renders));
        }
        if let Some(after) = self.after.param() {
            path.push_str(&format!("&after={after}"));
        }
        if self.token != TokenKind::Passport {
            path.push_str(&format!("&token_kind={}", self.token.param()));
        }
        if let Some(prefix) = self.sanctum_prefix {
            path.push_str(&format!("&sanctum_prefix={prefix}"));
        }
        path
    }
}

/// The token page, loaded in a session's current tab.
pub struct OauthPage<'s> {
    session: &'s Session,
    server: &'s Server,
}

impl<'s> OauthPage<'s> {
    /// Loads the page of tenant `host` from `server` in the current tab.
    pub fn open(
        session: &'s Session,
        server: &'s Server,
        host: &str,
        options: PageOptions,
    ) -> Result<OauthPage<'s>> {
        session.navigate(&server.url(host, &options.path()))?;
        Ok(OauthPage { session, server })
    }

    /// Loads the tenant's dashboard, a single-page application, and goes to the token page
    /// through its menu: `history.pushState` and client-side rendering, no page load.
    pub fn open_in_app(
        session: &'s Session,
        server: &'s Server,
        host: &str,
    ) -> Result<OauthPage<'s>> {
        session.navigate(&server.url(host, DASHBOARD))?;
        session.find("#nav-oauth")?.click()?;
        let page = OauthPage { session, server };
        page.wait_for_number("window.oauthReadyAt", "the app to render the token page")?;
        // Had the router failed, the link would have loaded the page the ordinary way.
        if page.number("window.appStartedAt")?.is_none() {
            return Err(Error::Setup(String::from(
                "the dashboard reached the token page by a page load, not by pushState",
            )));
        }
        Ok(page)
    }

    /// Opens the create dialog, types `name` and clicks "Erstellen"; returns at once.
    pub fn submit_token(&self, name: &str) -> Result<()> {
        self.session.find(".card-header .action-link")?.click()?;
        self.wait_visible("#modal-create-token")?;
        self.session.find("#create-token-name")?.send_keys(name)?;
        // Like Passport's component, the button sits in the modal footer, outside the form.
        let create = "#modal-create-token .modal-footer .btn-primary";
        self.session.find(create)?.click()
    }

    /// Creates a token called `name` through the modal; returns it as the server issued it,
    /// once the page has shown it.
    pub fn create_token(&self, name: &str) -> Result<Issued> {
        let before = self.server.issued().len();
        self.submit_token(name)?;
        // The server may be told to take its time; the page shows the token right after.
        let issued = self.server.wait_for_issued(before, STEP + SLOWEST_SERVER)?;
        self.wait_for_number("window.tokenShownAt", "the page to show the new token")?;
        Ok(issued)
    }

    /// The token as the page displays it; empty once the page has cleared it.
    pub fn shown_token(&self) -> Result<String> {
        let shown = self
            .session
            .execute("return window.shownToken();", json!([]))?;
        Ok(shown.as_str().unwrap_or_default().to_owned())
    }

    /// How often the page has rendered the token so far.
    pub fn renders(&self) -> Result<u32> {
        let count = self.number("window.tokenRenders")?.unwrap_or_default();
        Ok(count as u32)
    }

    /// How many `<token-saver-notice>` elements the extension has added to this page so far.
    pub fn notices_shown(&self) -> Result<u32> {
        let count = self.number("window.noticesShown")?.unwrap_or_default();
        Ok(count as u32)
    }

    /// Waits for the extension's notice on this page and reads it.
    pub fn wait_for_notice(&self, timeout: Duration) -> Result<Notice> {
        notice::wait_for_notice(self.session, timeout)
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

    /// Values on the page that look secret but are not tokens; see [`secrets_on_page`].
    pub fn decoys(&self) -> Result<Vec<String>> {
        secrets_on_page(self.session)
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

/// Values on the current page that look secret but are not tokens: the CSRF token in the meta
/// tag and hidden inputs, and the ids of existing tokens.
pub fn secrets_on_page(session: &Session) -> Result<Vec<String>> {
    let script = "
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        const hidden = [...document.querySelectorAll('input[name=_token]')].map((e) => e.value);
        const ids = [...document.querySelectorAll('.token-id')].map((e) => e.textContent);
        return [csrf, ...hidden, ...ids];";
    let found = session.execute(script, json!([]))?;
    let list = found.as_array().cloned().unwrap_or_default();
    Ok(list
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}
