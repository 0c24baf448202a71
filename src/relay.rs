//! The background's half of the relay. Chromium will not compile wasm in a content script when
//! the page's Content-Security-Policy lacks 'wasm-unsafe-eval'; the content script's loader then
//! sends what the page shows here, and the same recogniser and store decide and save.

use crate::chrome::{self, ChromeStore};
use crate::recognise::{self, Context};
use crate::record::TokenRecord;
use crate::store::{self, Saved};
use js_sys::Reflect;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Bounds on what one message may make us decode; a page that shows more is not a token page.
const MAX_TEXTS: usize = 64;
const MAX_TEXT_BYTES: usize = 4 << 20;

/// What the loader sends: the visible text of the page, the visible field values, and the field
/// values seen at the last click on a button (one of them is the token's name).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    texts: Vec<String>,
    names: Vec<String>,
}

/// What the loader shows on the page; `None` when nothing new was saved.
#[derive(Serialize)]
struct Notice {
    state: &'static str,
    text: String,
    close: String,
    /// On failure only: the token, for the person to copy from the note.
    token: Option<String>,
}

/// Handles one relay message from a content script of this extension.
pub async fn handle(message: JsValue, sender: JsValue) -> Result<JsValue, JsValue> {
    let host = sender_host(&sender).ok_or("not from one of our content scripts")?;
    let snapshot: Snapshot = serde_wasm_bindgen::from_value(message)?;
    let name = snapshot
        .names
        .iter()
        .map(|n| n.trim())
        .find(|n| !n.is_empty() && !recognise::is_token(n));
    let mut notice = None;
    let now = js_sys::Date::now();
    for text in snapshot
        .texts
        .iter()
        .take(MAX_TEXTS)
        .filter(|t| t.len() <= MAX_TEXT_BYTES)
    {
        for hit in recognise::find(text, Context::Page) {
            let Some(record) = TokenRecord::new(hit, name, &host, now) else {
                continue;
            };
            notice = match store::save(&ChromeStore, &record).await {
                Ok(Saved::Existing(_)) => notice,
                Ok(Saved::New(_)) if record.name.is_empty() => {
                    Some(saved(chrome::message("noticeSavedUnnamed", &[])))
                }
                Ok(Saved::New(_)) => Some(saved(chrome::message("noticeSaved", &[&record.name]))),
                Err(error) => Some(Notice {
                    state: "failed",
                    text: chrome::message("noticeFailed", &[&error.to_string()]),
                    close: chrome::message("noticeClose", &[]),
                    token: Some(record.token.clone()),
                }),
            };
        }
    }
    Ok(serde_wasm_bindgen::to_value(&notice)?)
}

fn saved(text: String) -> Notice {
    Notice {
        state: "saved",
        text,
        close: chrome::message("noticeClose", &[]),
        token: None,
    }
}

/// The host of the page that sent `sender`'s message, if the sender is a content script of this
/// extension. The host comes from the browser's record of the sender, never from the message.
fn sender_host(sender: &JsValue) -> Option<String> {
    let ours = Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|c| Reflect::get(&c, &"runtime".into()))
        .and_then(|r| Reflect::get(&r, &"id".into()))
        .ok()?;
    let id = Reflect::get(sender, &"id".into()).ok()?;
    if id.as_string().is_none() || id != ours {
        return None;
    }
    let url = Reflect::get(sender, &"url".into()).ok()?.as_string()?;
    let url = web_sys::Url::new(&url).ok()?;
    (url.protocol() == "https:").then(|| url.hostname())
}
