//! The content script: notices a token the moment the page shows it, remembers the name typed
//! when "Erstellen" was clicked, and saves both.
//!
//! The loader starts it on `/profil/oauth/`; it stops watching when the application navigates
//! elsewhere without a page load and starts again when it comes back.

use crate::chrome::{self, ChromeStore};
use crate::dom::{self, Scan};
use crate::notice::{self, Outcome};
use crate::recognise::{Found, Reason};
use crate::record::{tenant_of, TokenRecord};
use crate::store::{self, Saved, StoreError};
use js_sys::{Array, Date, WeakSet};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, Event, MutationObserver, MutationObserverInit, MutationRecord, Node,
    ShadowRoot,
};

/// Where intratool shows new tokens.
const TOKEN_PAGE: &str = "/profil/oauth";

/// How often visible fields are read. A script that sets `.value` produces no DOM mutation, so
/// this is the only way to see such a token; 100 ms catches one shown only for a moment.
const POLL_MS: i32 = 100;

/// After "Erstellen", content that appears within this time is the new secret: long enough for
/// a slow server, short enough that a later page change is not mistaken for it.
const NEW_SECRET_WINDOW_MS: f64 = 2.0 * 60.0 * 1000.0;

/// A name typed longer ago than this belongs to some earlier attempt, not to the token now shown.
/// It also bounds how long a name waits in storage across a form post and redirect.
const NAME_TTL_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Hidden token holders we keep an eye on; a page with more is not showing one new token.
const MAX_HIDDEN: usize = 64;

/// Nodes one mutation batch may visit. A page that inserts more than this at once gets one full
/// pass shortly after instead, so a busy page cannot make us walk it on every change; that pass
/// itself is unbounded, so a token is found however large the page has grown.
const BATCH_BUDGET: usize = 20_000;
const DEFERRED_SCAN_MS: i32 = 200;

/// What a click on one of these means: the person is submitting what they typed.
const SUBMITTERS: &str = "button, input[type=submit], input[type=button], [role=button]";

/// Attributes by which frameworks show and hide a modal or dialog.
const VISIBILITY_ATTRIBUTES: [&str; 5] = ["class", "style", "hidden", "open", "aria-hidden"];

/// Marker substituted into messages at start-up and replaced when shown: once the extension has
/// been reloaded, `chrome.i18n` is gone too, and the failure message must still be readable.
const SLOT: &str = "\u{1}";

/// Texts of the on-page notices, read while the extension's context is known to be alive.
struct Texts {
    saved: String,
    saved_unnamed: String,
    failed: String,
    close: String,
}

impl Texts {
    fn load() -> Self {
        let or = |text: String, fallback: &str| {
            if text.is_empty() {
                fallback.into()
            } else {
                text
            }
        };
        Texts {
            saved: or(
                chrome::message("noticeSaved", &[SLOT]),
                "Token saved: \u{1}",
            ),
            saved_unnamed: or(chrome::message("noticeSavedUnnamed", &[]), "Token saved."),
            failed: or(
                chrome::message("noticeFailed", &[SLOT]),
                "This token was NOT saved (\u{1}). Copy it now: the page shows it only once.",
            ),
            close: or(chrome::message("noticeClose", &[]), "Close"),
        }
    }
}

/// The name typed at "Erstellen". Kept in extension storage too, under [`pending_key`], so that
/// a form post that reloads the page still attaches it; never in the page's own storage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct PendingName {
    name: String,
    at: f64,
}

impl PendingName {
    /// The name if it was typed at most [`NAME_TTL_MS`] before `now`; an older one belongs to
    /// some earlier attempt.
    fn fresh_at(self, now: f64) -> Option<Self> {
        (now - self.at < NAME_TTL_MS).then_some(self)
    }
}

fn pending_key(host: &str) -> String {
    format!("pending:{host}")
}

/// The state of the script on one page.
struct Watcher {
    document: Document,
    host: String,
    texts: Texts,
    active: Cell<bool>,
    observer: MutationObserver,
    pending: RefCell<Option<PendingName>>,
    /// When the person last clicked "Erstellen"; opens the window for [`NEW_SECRET_WINDOW_MS`].
    created_at: Cell<Option<f64>>,
    /// Tokens already handed to storage from this page, so re-renders cost no storage round trip.
    handled: RefCell<HashSet<String>>,
    /// Strings that count only as a new secret but were on the page before any "Erstellen".
    baseline: RefCell<HashSet<String>>,
    /// Text nodes and fields that hold a token the page does not show yet; looked at again when
    /// an attribute changes or on the next tick, instead of rescanning whole subtrees.
    hidden: RefCell<Vec<Node>>,
    /// Records whose save has not completed; written once more as the page goes away.
    in_flight: RefCell<Vec<(String, TokenRecord)>>,
    typed: WeakSet,
    shadow_roots: RefCell<Vec<ShadowRoot>>,
    rescan_queued: Cell<bool>,
}

/// The closures the page's event loop calls, kept alive for the page's lifetime.
struct Callbacks {
    _on_mutation: Closure<dyn FnMut(Array)>,
    _on_event: Closure<dyn FnMut(Event)>,
    _on_tick: Closure<dyn FnMut()>,
}

thread_local! {
    static RUNNING: RefCell<Option<(Rc<Watcher>, Callbacks)>> = const { RefCell::new(None) };
}

/// Starts watching the page, once; does nothing outside intratool tenants.
pub async fn start() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let host = window.location().hostname()?;
    if tenant_of(&host).is_none() || RUNNING.with(|r| r.borrow().is_some()) {
        return Ok(());
    }
    let document = window.document().ok_or("no document")?;
    let on_mutation = Closure::<dyn FnMut(Array)>::new(|records: Array| {
        with_watcher(|w| w.on_mutations(&records));
    });
    let watcher = Rc::new(Watcher {
        document: document.clone(),
        host: host.clone(),
        texts: Texts::load(),
        active: Cell::new(false),
        observer: MutationObserver::new(on_mutation.as_ref().unchecked_ref())?,
        pending: RefCell::new(None),
        created_at: Cell::new(None),
        handled: RefCell::new(HashSet::new()),
        baseline: RefCell::new(HashSet::new()),
        hidden: RefCell::new(Vec::new()),
        in_flight: RefCell::new(Vec::new()),
        typed: WeakSet::new(),
        shadow_roots: RefCell::new(Vec::new()),
        rescan_queued: Cell::new(false),
    });
    // A field that already has the focus may be mid-typing: what is in it is the person's.
    if let Some(focused) = document
        .active_element()
        .filter(|e| dom::field_value(e).is_some())
    {
        watcher.typed.add(&focused);
    }
    let on_event =
        Closure::<dyn FnMut(Event)>::new(|event: Event| with_watcher(|w| w.on_event(&event)));
    let listener = on_event.as_ref().unchecked_ref();
    // Listening before anything is awaited leaves no gap in which a click or keystroke goes
    // unseen. Capture phase: we read the name before the page's own handler clears the field.
    for kind in ["click", "submit", "input", "DOMContentLoaded"] {
        document.add_event_listener_with_callback_and_bool(kind, listener, true)?;
    }
    for kind in ["load", "pagehide"] {
        window.add_event_listener_with_callback(kind, listener)?;
    }
    let on_tick = Closure::<dyn FnMut()>::new(|| with_watcher(|w| w.tick()));
    let tick: js_sys::Function = on_tick.as_ref().unchecked_ref::<js_sys::Function>().clone();
    RUNNING.with(|r| {
        let callbacks = Callbacks {
            _on_mutation: on_mutation,
            _on_event: on_event,
            _on_tick: on_tick,
        };
        *r.borrow_mut() = Some((watcher.clone(), callbacks));
    });

    // Read before the first look at the page: after a form post, the token is already there.
    let carried = chrome::read::<PendingName>(&pending_key(&host))
        .await
        .ok()
        .flatten();
    let fresh = carried.and_then(|p| {
        let fresh = p.fresh_at(Date::now());
        if fresh.is_none() {
            // Expired: nothing will ever take it, so it does not wait in storage any longer.
            chrome::forget(&pending_key(&host));
        }
        fresh
    });
    // A click during the read above is newer than anything carried over.
    if let (Some(carried), None) = (fresh, watcher.created_at.get()) {
        watcher.created_at.set(Some(carried.at));
        *watcher.pending.borrow_mut() = Some(carried);
    }
    window.set_interval_with_callback_and_timeout_and_arguments_0(&tick, POLL_MS)?;
    watcher.tick();
    Ok(())
}

fn with_watcher(act: impl FnOnce(&Rc<Watcher>)) {
    if let Some(watcher) = RUNNING.with(|r| r.borrow().as_ref().map(|(w, _)| w.clone())) {
        act(&watcher);
    }
}

fn on_token_page() -> bool {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok());
    path.is_some_and(|p| p.starts_with(TOKEN_PAGE))
}

impl Watcher {
    /// Follows the application's navigation, then reads visible fields.
    fn tick(self: &Rc<Self>) {
        match (self.active.get(), on_token_page()) {
            (false, true) => self.activate(),
            (true, false) => self.deactivate(),
            (true, true) => {
                self.poll_fields();
                // Stylesheet changes reveal elements without any mutation record.
                self.recheck_hidden();
            }
            (false, false) => {}
        }
    }

    fn activate(self: &Rc<Self>) {
        self.active.set(true);
        self.observe(&self.document);
        self.full_scan();
    }

    /// Stops all work while the application shows another page; listeners stay, and return at once.
    fn deactivate(&self) {
        self.active.set(false);
        self.observer.disconnect();
        self.shadow_roots.borrow_mut().clear();
    }

    fn observe(&self, root: &Node) {
        let init = MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        init.set_character_data(true);
        init.set_attribute_filter(
            &VISIBILITY_ATTRIBUTES
                .iter()
                .map(|a| JsValue::from_str(a))
                .collect::<Array>(),
        );
        let _ = self.observer.observe_with_options(root, &init);
    }

    fn on_event(self: &Rc<Self>, event: &Event) {
        match event.type_().as_str() {
            "pagehide" => self.flush(),
            // Custom elements attach their shadow roots when their scripts define them, which
            // no mutation record reports: look for them once the page's scripts have run.
            "DOMContentLoaded" | "load" if self.active.get() => self.full_scan(),
            "input" if event.is_trusted() => {
                if let Some(target) = event.target() {
                    self.typed.add(target.unchecked_ref());
                }
            }
            "click" | "submit" if on_token_page() => self.remember_name(event),
            _ => {}
        }
    }

    /// On a click on a button or a form submission, remembers the nearest non-empty text field:
    /// that is the name the person gave the token they are creating.
    fn remember_name(self: &Rc<Self>, event: &Event) {
        let Some(origin) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if event.type_() == "click" && !matches!(origin.closest(SUBMITTERS), Ok(Some(_))) {
            return;
        }
        let Some(name) = dom::nearest_name(&origin) else {
            return;
        };
        let pending = PendingName {
            name,
            at: Date::now(),
        };
        // The answer may land in a shadow root that appeared since the last full pass.
        if self.active.get() {
            self.full_scan();
        }
        self.created_at.set(Some(pending.at));
        // If the page posts a form and reloads, this is how the next page learns the name.
        let _ = chrome::start_write(&pending_key(&self.host), &pending);
        *self.pending.borrow_mut() = Some(pending);
    }

    fn on_mutations(self: &Rc<Self>, records: &Array) {
        if !self.active.get() {
            return;
        }
        let mut scan = Scan::new(BATCH_BUDGET, &self.typed);
        let mut revealing = false;
        for record in records.iter() {
            let record: MutationRecord = record.unchecked_into();
            match record.type_().as_str() {
                "childList" => {
                    let added = record.added_nodes();
                    for node in (0..added.length()).filter_map(|i| added.item(i)) {
                        scan.node(&node);
                    }
                }
                "characterData" => {
                    if let Some(target) = record.target() {
                        scan.node(&target);
                    }
                }
                // An attribute can only reveal what is already there: the hidden token holders
                // already seen, or, after "Erstellen", a field whose value a script set without
                // any record (how a framework fills the token field of a modal it then shows).
                _ => revealing = true,
            }
            if scan.exhausted {
                self.queue_full_scan();
                break;
            }
        }
        if revealing {
            self.recheck_into(&mut scan);
            // Without a click on "Erstellen" no secret is due; the 100 ms poll still reads the
            // fields, and a busy page's batches stay cheap.
            if self.awaiting_secret(Date::now()) {
                self.fields_into(&mut scan);
            }
        }
        self.finish(scan);
    }

    fn recheck_hidden(self: &Rc<Self>) {
        if self.hidden.borrow().is_empty() {
            return;
        }
        let mut scan = Scan::new(BATCH_BUDGET, &self.typed);
        self.recheck_into(&mut scan);
        self.finish(scan);
    }

    fn recheck_into(&self, scan: &mut Scan) {
        for node in self.hidden.take() {
            if node.is_connected() {
                scan.node(&node);
            }
        }
    }

    fn poll_fields(self: &Rc<Self>) {
        let mut scan = Scan::new(usize::MAX, &self.typed);
        self.fields_into(&mut scan);
        self.finish(scan);
    }

    fn fields_into(&self, scan: &mut Scan) {
        scan.fields(&self.document);
        for shadow in self.shadow_roots.borrow().iter() {
            scan.fields(shadow);
        }
    }

    fn full_scan(self: &Rc<Self>) {
        self.rescan_queued.set(false);
        let mut scan = Scan::new(usize::MAX, &self.typed);
        scan.node(&self.document);
        self.finish(scan);
    }

    fn queue_full_scan(self: &Rc<Self>) {
        if self.rescan_queued.replace(true) {
            return;
        }
        let rescan = Closure::once_into_js(|| with_watcher(|w| w.full_scan()));
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                rescan.unchecked_ref(),
                DEFERRED_SCAN_MS,
            );
        }
    }

    fn finish(self: &Rc<Self>, scan: Scan) {
        let mut hidden = self.hidden.borrow_mut();
        for node in scan.hidden {
            if hidden.len() < MAX_HIDDEN && !hidden.contains(&node) {
                hidden.push(node);
            }
        }
        drop(hidden);
        for shadow in scan.shadow_roots {
            let mut known = self.shadow_roots.borrow_mut();
            if !known.iter().any(|k| k == &shadow) {
                self.observe(&shadow);
                known.push(shadow);
            }
        }
        let now = Date::now();
        let window_open = self.awaiting_secret(now);
        for hit in scan.found {
            let needs_window = matches!(
                hit.reason,
                Reason::JwtAsNewSecret | Reason::SanctumShapeAsNewSecret
            );
            if needs_window && (!window_open || self.baseline.borrow().contains(&hit.token)) {
                self.baseline.borrow_mut().insert(hit.token);
                continue;
            }
            if self.handled.borrow_mut().insert(hit.token.clone()) {
                self.keep(hit, now);
            }
        }
    }

    /// Whether "Erstellen" was clicked within the new-secret window before `now`.
    fn awaiting_secret(&self, now: f64) -> bool {
        self.created_at
            .get()
            .is_some_and(|at| now - at < NEW_SECRET_WINDOW_MS)
    }

    /// Saves a newly seen token with the pending name and tells the person how it went.
    fn keep(self: &Rc<Self>, hit: Found, now: f64) {
        let name = self
            .pending
            .borrow_mut()
            .take()
            .and_then(|p| p.fresh_at(now));
        if name.is_some() {
            chrome::forget(&pending_key(&self.host));
        }
        let Some(record) =
            TokenRecord::new(hit, name.as_ref().map(|p| p.name.as_str()), &self.host, now)
        else {
            return;
        };
        self.in_flight
            .borrow_mut()
            .push((record.key(), record.clone()));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = store::save_retrying(&ChromeStore, &record, chrome::sleep).await;
            this.in_flight
                .borrow_mut()
                .retain(|(_, r)| r.token != record.token);
            this.report(&record, outcome);
        });
    }

    /// The page is going away: hands every unfinished save to the browser once more, without
    /// waiting, so a page that navigates right after showing a token still leaves it saved.
    fn flush(&self) {
        for (key, record) in self.in_flight.borrow().iter() {
            let _ = chrome::start_write(key, record);
        }
    }

    fn report(&self, record: &TokenRecord, outcome: Result<Saved, StoreError>) {
        let texts = &self.texts;
        let failed = outcome.is_err();
        let (kind, text) = match outcome {
            Ok(Saved::Existing(_)) => return,
            Ok(Saved::New(_)) if record.name.is_empty() => {
                (Outcome::Saved, texts.saved_unnamed.clone())
            }
            Ok(Saved::New(_)) => (Outcome::Saved, texts.saved.replace(SLOT, &record.name)),
            Err(error) => (
                Outcome::Failed,
                texts.failed.replace(SLOT, &error.to_string()),
            ),
        };
        // Nothing else can be done if the page will not take our element; saying so in the
        // page's console would only tell the page about us.
        let token = failed.then_some(record.token.as_str());
        let _ = notice::show(&self.document, kind, &text, &texts.close, token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_name_expires_after_five_minutes() {
        let typed = PendingName {
            name: "CI".into(),
            at: 1_000.0,
        };

        assert_eq!(
            typed.clone().fresh_at(1_000.0 + NAME_TTL_MS - 1.0),
            Some(typed.clone())
        );
        assert_eq!(typed.fresh_at(1_000.0 + NAME_TTL_MS), None);
        assert_eq!(NAME_TTL_MS, 300_000.0);
    }
}
