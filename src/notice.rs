//! The message we show on the host page after a save, in a shadow root the page's styles do not
//! reach, in the top layer above the page's own modals.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

/// Tag of the element we add; tests and the replica page look for it.
pub const TAG: &str = "token-saver-notice";

/// How long a success message stays; a failure stays until the person closes it.
const SAVED_VISIBLE_MS: i32 = 6_000;

/// Placed by inline `!important` declarations, which outrank any stylesheet of the page.
const HOST_STYLE: &str = "all: initial !important; display: block !important; \
    position: fixed !important; inset: 16px 16px auto auto !important; \
    z-index: 2147483647 !important; margin: 0 !important; padding: 0 !important; \
    border: 0 !important; background: transparent !important; overflow: visible !important;";

const BOX_STYLE: &str = "
.box { font: 15px/1.4 system-ui, sans-serif; max-width: 26rem; padding: 12px 14px;
  border-radius: 8px; box-shadow: 0 4px 18px rgb(0 0 0 / 30%); display: flex; gap: 12px;
  align-items: flex-start; }
.saved { background: #14532d; color: #fff; }
.failed { background: #b91c1c; color: #fff; font-size: 17px; font-weight: 600;
  border: 3px solid #fff; outline: 3px solid #b91c1c; }
p { margin: 0; flex: 1; }
textarea { display: block; width: 100%; box-sizing: border-box; margin-top: 8px;
  font: 12px/1.3 ui-monospace, monospace; color: #111; background: #fff; border: 0;
  border-radius: 4px; padding: 6px; resize: vertical; word-break: break-all; }
button { font: inherit; font-size: 13px; cursor: pointer; border: 1px solid currentColor;
  background: transparent; color: inherit; border-radius: 4px; padding: 2px 8px; }";

/// Whether the token made it into storage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    Saved,
    Failed,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Saved => "saved",
            Outcome::Failed => "failed",
        }
    }
}

/// Shows `text` on the page, replacing any earlier notice of ours. `close` labels the button.
/// A failure also shows `token`, selectable, so the person can copy it from our note even if
/// the page has moved on.
pub fn show(
    document: &Document,
    outcome: Outcome,
    text: &str,
    close: &str,
    token: Option<&str>,
) -> Result<(), JsValue> {
    for old in elements(document)? {
        old.remove();
    }
    let host: HtmlElement = document.create_element(TAG)?.dyn_into()?;
    host.set_attribute("data-state", outcome.name())?;
    host.set_attribute("style", HOST_STYLE)?;
    // Open so that tests can read it; it holds our message and never a token.
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;

    let style = document.create_element("style")?;
    style.set_text_content(Some(BOX_STYLE));
    let panel = document.create_element("div")?;
    panel.set_class_name(&format!("box {}", outcome.name()));
    let role = if outcome == Outcome::Failed {
        "alert"
    } else {
        "status"
    };
    panel.set_attribute("role", role)?;
    let message = document.create_element("p")?;
    message.set_text_content(Some(text));
    let button = document.create_element("button")?;
    button.set_text_content(Some(close));
    panel.append_with_node_2(&message, &button)?;
    if let Some(token) = token.filter(|_| outcome == Outcome::Failed) {
        let field: web_sys::HtmlTextAreaElement =
            document.create_element("textarea")?.dyn_into()?;
        field.set_read_only(true);
        field.set_rows(4);
        field.set_value(token);
        message.append_child(&field)?;
        let select = Closure::<dyn FnMut()>::new({
            let field = field.clone();
            move || field.select()
        });
        field.add_event_listener_with_callback("focus", select.as_ref().unchecked_ref())?;
        // Lives as long as the field, which goes when the note is closed.
        select.forget();
    }
    shadow.append_with_node_2(&style, &panel)?;

    let target = host.clone();
    let dismiss = Closure::once_into_js(move || target.remove());
    button.add_event_listener_with_callback("click", dismiss.unchecked_ref())?;
    document
        .document_element()
        .ok_or("no root element")?
        .append_child(&host)?;
    raise(&host);
    if outcome == Outcome::Saved {
        let target = host.clone();
        let expire = Closure::once_into_js(move || target.remove());
        web_sys::window()
            .ok_or("no window")?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                expire.unchecked_ref(),
                SAVED_VISIBLE_MS,
            )?;
    }
    Ok(())
}

/// Puts the notice in the top layer, where a page's modal backdrop cannot cover it. Without
/// popover support it still shows, at the highest z-index.
fn raise(host: &HtmlElement) {
    if host.set_popover(Some("manual")).is_ok() && host.show_popover().is_err() {
        let _ = host.set_popover(None);
    }
}

fn elements(document: &Document) -> Result<Vec<Element>, JsValue> {
    let list = document.query_selector_all(TAG)?;
    Ok((0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect())
}
