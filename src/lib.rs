//! Token Saver for intratool: keeps a Personal Access Token the moment the page shows it.
//!
//! Pure logic (`base64url`, `jwt`, `sanctum`, `recognise`, `record`, `store`) builds and tests natively; the rest is the
//! browser side, wired to the extension's three loaders by the functions below.

pub mod backup;
pub mod base64url;
pub mod chrome;
pub mod content;
pub mod dom;
pub mod jwt;
pub mod notice;
pub mod popup;
pub mod recognise;
pub mod record;
pub mod relay;
pub mod sanctum;
pub mod store;

use wasm_bindgen::prelude::*;

/// Entry point of the content script. Never throws: an exception here would land in the host
/// page's console.
#[wasm_bindgen]
pub async fn start_content() {
    let _ = content::start().await;
}

/// Entry point of the toolbar popup.
#[wasm_bindgen]
pub async fn start_popup() -> Result<(), JsValue> {
    popup::start().await
}

/// Entry point of the background's relay for content scripts that cannot run wasm.
#[wasm_bindgen]
pub async fn on_relay(message: JsValue, sender: JsValue) -> Result<JsValue, JsValue> {
    relay::handle(message, sender).await
}
