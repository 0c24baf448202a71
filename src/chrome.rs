//! Our own small bindings to the extension APIs we use, and the `chrome.storage.local` store.
//!
//! Static bindings through the `chrome` namespace work in every context of both browsers: in a
//! Firefox content script `js_sys::global()` is the page's window, which has no `chrome`, but the
//! generated glue runs in the content script's own scope, which does.

use crate::record::{TokenRecord, KEY_PREFIX};
use crate::store::{Listing, Slot, StoreError, TokenStore};
use js_sys::{Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = get)]
    fn local_get(keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = set)]
    fn local_set(items: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = getBytesInUse)]
    fn local_bytes_in_use(keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = remove)]
    fn local_remove(keys: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    fn get_message(name: &str, substitutions: &JsValue) -> Result<String, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn get_ui_language() -> Result<String, JsValue>;
}

/// The localised message `name` with `$1`… replaced by `substitutions`; empty when the message
/// is unknown or the extension's context is gone.
pub fn message(name: &str, substitutions: &[&str]) -> String {
    let substitutions: js_sys::Array = substitutions.iter().map(|s| JsValue::from_str(s)).collect();
    get_message(name, &substitutions).unwrap_or_default()
}

/// The browser's UI language, e.g. `de` or `en-US`, for formatting dates to match our messages.
pub fn ui_language() -> String {
    get_ui_language().unwrap_or_else(|_| "en".into())
}

/// Reads the value stored under `key` in `chrome.storage.local`.
pub async fn read<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StoreError> {
    match read_value(key).await? {
        None => Ok(None),
        Some(value) => serde_wasm_bindgen::from_value(value)
            .map(Some)
            .map_err(|e| StoreError::Unreadable(e.to_string())),
    }
}

/// The value stored under `key` as the browser gives it, not yet read into any type.
async fn read_value(key: &str) -> Result<Option<JsValue>, StoreError> {
    let items = read_items(&JsValue::from_str(key)).await?;
    let value = Reflect::get(&items, &JsValue::from_str(key)).map_err(classify)?;
    Ok((!value.is_undefined()).then_some(value))
}

/// Starts writing `value` under `key` and returns the browser's promise for it. The write is
/// handed to the browser before this returns, so it completes even if the page goes away.
pub fn start_write<T: Serialize>(key: &str, value: &T) -> Result<Promise, StoreError> {
    let value =
        serde_wasm_bindgen::to_value(value).map_err(|e| StoreError::Unreadable(e.to_string()))?;
    let items = Object::new();
    Reflect::set(&items, &JsValue::from_str(key), &value).map_err(classify)?;
    local_set(&items).map_err(classify)
}

/// Writes `value` under `key`.
pub async fn write<T: Serialize>(key: &str, value: &T) -> Result<(), StoreError> {
    JsFuture::from(start_write(key, value)?)
        .await
        .map_err(classify)?;
    Ok(())
}

/// Removes `key`; if that fails, the entry stays until it expires on its own.
pub fn forget(key: &str) {
    let _ = local_remove(key);
}

async fn read_items(keys: &JsValue) -> Result<Object, StoreError> {
    let items = JsFuture::from(local_get(keys).map_err(classify)?)
        .await
        .map_err(classify)?;
    items
        .dyn_into()
        .map_err(|_| StoreError::Rejected("storage answered with no object".into()))
}

/// How full the extension's storage is, from 0 to 1; `None` where the browser sets no quota
/// (Firefox) or cannot say.
pub async fn storage_fill() -> Option<f64> {
    let storage = Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|c| Reflect::get(&c, &"storage".into()))
        .and_then(|s| Reflect::get(&s, &"local".into()))
        .ok()?;
    let quota = Reflect::get(&storage, &"QUOTA_BYTES".into())
        .ok()?
        .as_f64()?;
    let used = JsFuture::from(local_bytes_in_use(&JsValue::NULL).ok()?)
        .await
        .ok()?
        .as_f64()?;
    Some(used / quota)
}

/// Waits `ms` milliseconds; how the content script pauses between retries.
pub async fn sleep(ms: u32) {
    let wait = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(wait).await;
}

/// `chrome.storage.local`, the extension's own storage: pages cannot read it.
pub struct ChromeStore;

impl TokenStore for ChromeStore {
    async fn get(&self, key: &str) -> Result<Slot, StoreError> {
        Ok(match read_value(key).await? {
            None => Slot::Free,
            Some(value) => {
                serde_wasm_bindgen::from_value(value).map_or(Slot::Unreadable, Slot::Token)
            }
        })
    }

    async fn put(&self, key: &str, record: &TokenRecord) -> Result<(), StoreError> {
        write(key, record).await
    }

    async fn list(&self) -> Result<Listing, StoreError> {
        let items = read_items(&JsValue::NULL).await?;
        let mut listing = Listing::default();
        for entry in Object::entries(&items) {
            let entry: js_sys::Array = entry.unchecked_into();
            let Some(key) = entry.get(0).as_string() else {
                continue;
            };
            if !key.starts_with(KEY_PREFIX) {
                continue;
            }
            // Reading upgrades an older record; a damaged one or one from a newer version is
            // counted, never guessed at and never deleted.
            match serde_wasm_bindgen::from_value::<TokenRecord>(entry.get(1)) {
                Ok(record) => listing.records.push((key, record)),
                Err(_) => listing.unreadable += 1,
            }
        }
        Ok(listing)
    }
}

/// Maps an exception from an extension API to what it means for the person.
fn classify(error: JsValue) -> StoreError {
    let text = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into());
    // Chromium says "Extension context invalidated."; once it has, even `chrome.storage` may be
    // gone, which surfaces as a TypeError or ReferenceError about reading it.
    let gone = text.contains("context invalidated")
        || error.is_instance_of::<js_sys::ReferenceError>()
        || error.is_instance_of::<js_sys::TypeError>() && text.contains("undefined");
    if gone {
        StoreError::ContextInvalidated
    } else if text.to_ascii_lowercase().contains("quota") {
        // Chromium: "QUOTA_BYTES quota exceeded"; Firefox: "…exceeded its quota limitations".
        StoreError::Full
    } else {
        StoreError::Rejected(text)
    }
}
