//! The content script: notices a token the moment the page shows it, remembers the name typed
//! when "Erstellen" was clicked, and saves both.

use crate::chrome::{self, ChromeStore};
use crate::dom;
use crate::jwt::Found;
use crate::notice::{self, Outcome};
use crate::record::{tenant_of, TokenRecord};
use crate::store::{self, Saved, StoreError};
use js_sys::{Array, Date};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, MutationObserver, MutationObserverInit, MutationRecord};

/// How often visible fields are read. A script that sets `.value` produces no DOM mutation, so
/// this is the only way to see such a token; 250 ms is well inside "the moment it is shown".
const FIELD_POLL_MS: i32 = 250;

/// A name typed longer ago than this belongs to some earlier attempt, not to the token now shown.
const NAME_TTL_MS: f64 = 10.0 * 60.0 * 1000.0;

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

struct PendingName {
    name: String,
    at: f64,
}

/// The state of the script on one page.
struct Watcher {
    document: Document,
    host: String,
    texts: Texts,
    pending: RefCell<Option<PendingName>>,
    /// Tokens already handed to storage from this page, so re-renders cost no storage round trip.
    handled: RefCell<HashSet<String>>,
}

/// Listeners and observer kept alive for as long as the page is.
struct Running {
    _watcher: Rc<Watcher>,
    _observer: MutationObserver,
    _on_mutation: Closure<dyn FnMut(Array)>,
    _on_submit: Closure<dyn FnMut(Event)>,
    _poll: Closure<dyn FnMut()>,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
}

/// Starts watching the page, once; does nothing outside intratool tenants.
pub fn start() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let host = window.location().hostname()?;
    if tenant_of(&host).is_none() || RUNNING.with(|r| r.borrow().is_some()) {
        return Ok(());
    }
    let watcher = Rc::new(Watcher {
        document: document.clone(),
        host,
        texts: Texts::load(),
        pending: RefCell::new(None),
        handled: RefCell::new(HashSet::new()),
    });

    let w = watcher.clone();
    let on_submit = Closure::<dyn FnMut(Event)>::new(move |event: Event| w.remember_name(&event));
    // Capture phase: we read the name before the page's own handler clears the field.
    document.add_event_listener_with_callback_and_bool(
        "click",
        on_submit.as_ref().unchecked_ref(),
        true,
    )?;
    document.add_event_listener_with_callback_and_bool(
        "submit",
        on_submit.as_ref().unchecked_ref(),
        true,
    )?;

    let w = watcher.clone();
    let on_mutation =
        Closure::<dyn FnMut(Array)>::new(move |records: Array| w.on_mutations(&records));
    let observer = MutationObserver::new(on_mutation.as_ref().unchecked_ref())?;
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
    observer.observe_with_options(&document, &init)?;

    let w = watcher.clone();
    let poll = Closure::<dyn FnMut()>::new(move || w.poll_fields());
    window.set_interval_with_callback_and_timeout_and_arguments_0(
        poll.as_ref().unchecked_ref(),
        FIELD_POLL_MS,
    )?;

    watcher.scan(&document);
    RUNNING.with(|r| {
        *r.borrow_mut() = Some(Running {
            _watcher: watcher,
            _observer: observer,
            _on_mutation: on_mutation,
            _on_submit: on_submit,
            _poll: poll,
        })
    });
    Ok(())
}

impl Watcher {
    /// On a click on a button or a form submission, remembers the nearest non-empty text field:
    /// that is the name the person gave the token they are creating.
    fn remember_name(&self, event: &Event) {
        let Some(origin) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if event.type_() == "click" && !matches!(origin.closest(SUBMITTERS), Ok(Some(_))) {
            return;
        }
        if let Some(name) = dom::nearest_name(&origin) {
            *self.pending.borrow_mut() = Some(PendingName {
                name,
                at: Date::now(),
            });
        }
    }

    fn on_mutations(self: &Rc<Self>, records: &Array) {
        let mut found = Vec::new();
        let mut last: Option<web_sys::Node> = None;
        for record in records.iter() {
            let record: MutationRecord = record.unchecked_into();
            let Some(target) = record.target() else {
                continue;
            };
            // Frameworks touch the same subtree many times in one batch; scan it once.
            if last.as_ref().is_some_and(|l| l.contains(Some(&target))) {
                continue;
            }
            if record.type_() == "childList" {
                let added = record.added_nodes();
                for node in (0..added.length()).filter_map(|i| added.item(i)) {
                    dom::tokens_in(&node, &mut found);
                }
            } else {
                dom::tokens_in(&target, &mut found);
                last = Some(target);
            }
        }
        self.keep_all(found);
    }

    fn poll_fields(self: &Rc<Self>) {
        let mut found = Vec::new();
        dom::field_tokens(&self.document, &mut found);
        self.keep_all(found);
    }

    fn scan(self: &Rc<Self>, root: &web_sys::Node) {
        let mut found = Vec::new();
        dom::tokens_in(root, &mut found);
        self.keep_all(found);
    }

    fn keep_all(self: &Rc<Self>, found: Vec<Found>) {
        for hit in found {
            if self.handled.borrow_mut().insert(hit.token.clone()) {
                self.keep(hit);
            }
        }
    }

    /// Saves a newly seen token with the pending name and tells the person how it went.
    fn keep(self: &Rc<Self>, hit: Found) {
        let now = Date::now();
        let name = self
            .pending
            .borrow_mut()
            .take()
            .filter(|p| now - p.at < NAME_TTL_MS);
        let Some(record) =
            TokenRecord::new(hit, name.as_ref().map(|p| p.name.as_str()), &self.host, now)
        else {
            return;
        };
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = store::save(&ChromeStore, &record).await;
            this.report(&record, outcome);
        });
    }

    fn report(&self, record: &TokenRecord, outcome: Result<Saved, StoreError>) {
        let texts = &self.texts;
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
        let _ = notice::show(&self.document, kind, &text, &texts.close);
    }
}
