//! The toolbar popup: saved tokens newest first, each with a copy button.

mod backup_view;

use crate::chrome::{self, ChromeStore};
use crate::record::TokenRecord;
use crate::store::{newest_first, TokenStore};
use js_sys::{Date, Object, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event};

/// From this share of the browser's storage quota on, the popup warns that new tokens may not
/// fit; a token is about 2 KB, so 5% of Chromium's 10 MB leaves room for hundreds more.
const NEARLY_FULL: f64 = 0.95;

/// How long "Copied" stays on a button before it reads "Copy" again.
const FEEDBACK_MS: i32 = 1_500;

thread_local! {
    /// Token of each listed row, by storage key; the copy handler's lookup.
    static TOKENS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Fills the popup from storage. Opened with `?view=tab` it is the page for export and import,
/// which needs a tab: Firefox closes a popup when a file chooser opens.
pub async fn start() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    translate(&document)?;
    let in_tab = window.location().search()?.contains("view=tab");
    by_id(&document, "manage")?.toggle_attribute_with_force("hidden", in_tab)?;
    by_id(&document, "backup")?.toggle_attribute_with_force("hidden", !in_tab)?;
    if in_tab {
        document
            .document_element()
            .ok_or("no root")?
            .set_class_name("tab");
        backup_view::install(&document)?;
    }
    let on_click = Closure::<dyn FnMut(Event)>::new(|event: Event| copy(&event));
    by_id(&document, "tokens")?
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    // The popup's lifetime is the listener's: it goes when the popup closes.
    on_click.forget();
    refresh(&document).await
}

/// Lists what storage holds now, and says so when some of it cannot be read.
pub async fn refresh(document: &Document) -> Result<(), JsValue> {
    let status = by_id(document, "status")?;
    match ChromeStore.list().await {
        Ok(listing) => {
            let unreadable = listing.unreadable.to_string();
            let mut notes = Vec::new();
            if listing.unreadable > 0 {
                notes.push(chrome::message("popupUnreadable", &[&unreadable]));
            }
            if chrome::storage_fill()
                .await
                .is_some_and(|fill| fill >= NEARLY_FULL)
            {
                notes.push(chrome::message("popupNearlyFull", &[]));
            }
            status.set_text_content(Some(&notes.join(" ")));
            render(document, &newest_first(listing.records))
        }
        Err(error) => {
            let reason = error.to_string();
            status.set_text_content(Some(&chrome::message("popupLoadFailed", &[&reason])));
            Ok(())
        }
    }
}

/// Shows `records` in `#tokens`, or the empty state when there are none. Every value from a
/// record is set as text: names and hosts came from a web page.
pub fn render(document: &Document, records: &[(String, TokenRecord)]) -> Result<(), JsValue> {
    let list = by_id(document, "tokens")?;
    let empty = by_id(document, "empty")?;
    empty.toggle_attribute_with_force("hidden", !records.is_empty())?;
    list.toggle_attribute_with_force("hidden", records.is_empty())?;
    list.replace_children_with_node_0();
    let language = chrome::ui_language();
    for (key, record) in records {
        let row = item(document, key, record, &language)?;
        list.append_with_node_1(&row)?;
    }
    TOKENS.with(|tokens| {
        *tokens.borrow_mut() = records
            .iter()
            .map(|(key, record)| (key.clone(), record.token.clone()))
            .collect();
    });
    Ok(())
}

fn item(
    document: &Document,
    key: &str,
    record: &TokenRecord,
    language: &str,
) -> Result<Element, JsValue> {
    let li = document.create_element("li")?;
    li.set_class_name("token");
    li.set_attribute("data-key", key)?;
    let name = if record.name.is_empty() {
        chrome::message("popupUnnamed", &[])
    } else {
        record.name.clone()
    };
    let created = chrome::message("popupCreated", &[&date(record.captured_at, language)]);
    // A token past its expiry is useless; the person should see that before copying it.
    let expires = record.claims.exp.map(|exp| {
        let at = exp as f64 * 1000.0;
        let (message, class) = if at <= Date::now() {
            ("popupExpired", "expires expired")
        } else {
            ("popupExpires", "expires")
        };
        (chrome::message(message, &[&date(at, language)]), class)
    });
    let details = document.create_element("div")?;
    details.set_class_name("details");
    append_text(document, &details, "name", &name)?;
    append_text(document, &details, "tenant", &record.tenant)?;
    append_text(document, &details, "created", &created)?;
    if let Some((text, class)) = expires {
        append_text(document, &details, class, &text)?;
    }
    let button = document.create_element("button")?;
    button.set_class_name("copy");
    button.set_attribute("type", "button")?;
    button.set_text_content(Some(&chrome::message("popupCopy", &[])));
    li.append_with_node_2(&details, &button)?;
    Ok(li)
}

/// Copies the token of the clicked row and says so on its button.
fn copy(event: &Event) {
    let Some(button) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("button.copy").ok().flatten())
    else {
        return;
    };
    let key = button
        .closest("li")
        .ok()
        .flatten()
        .and_then(|li| li.get_attribute("data-key"));
    let Some(token) = key.and_then(|key| TOKENS.with(|t| t.borrow().get(&key).cloned())) else {
        return;
    };
    let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
    wasm_bindgen_futures::spawn_local(async move {
        let copied = match clipboard {
            Some(clipboard) => wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&token))
                .await
                .is_ok(),
            None => false,
        };
        let (label, class) = if copied {
            ("popupCopied", "copy copied")
        } else {
            ("popupCopyFailed", "copy failed")
        };
        button.set_text_content(Some(&chrome::message(label, &[])));
        button.set_class_name(class);
        let reset = Closure::once_into_js(move || {
            button.set_text_content(Some(&chrome::message("popupCopy", &[])));
            button.set_class_name("copy");
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                reset.unchecked_ref(),
                FEEDBACK_MS,
            );
        }
    });
}

/// Replaces the text of every `[data-i18n]` element with its message.
fn translate(document: &Document) -> Result<(), JsValue> {
    let marked = document.query_selector_all("[data-i18n]")?;
    for node in (0..marked.length()).filter_map(|i| marked.item(i)) {
        let element: Element = node.dyn_into()?;
        if let Some(name) = element.get_attribute("data-i18n") {
            element.set_text_content(Some(&chrome::message(&name, &[])));
        }
    }
    document.set_title(&chrome::message("extName", &[]));
    Ok(())
}

fn append_text(
    document: &Document,
    parent: &Element,
    class: &str,
    text: &str,
) -> Result<(), JsValue> {
    let element = document.create_element("span")?;
    element.set_class_name(class);
    element.set_text_content(Some(text));
    parent.append_with_node_1(&element)
}

pub(crate) fn by_id(document: &Document, id: &str) -> Result<Element, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("popup.html has no #{id}")))
}

/// A point in time as the browser's language writes it, e.g. "3.12.2026, 14:05".
fn date(ms: f64, language: &str) -> String {
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    Date::new(&JsValue::from_f64(ms))
        .to_locale_string(language, &options)
        .into()
}
