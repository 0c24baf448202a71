//! Reading what a page shows: visible text and form-field values, never attributes, scripts or
//! hidden inputs. Returns candidate tokens; `jwt` decides what a token is.

use crate::jwt::{self, Found};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlTextAreaElement, Node};

/// Form fields that can show a token. Hidden and password inputs are left out on purpose: a
/// hidden `_token` input is a CSRF token, and a password field shows nothing.
pub const FIELDS: &str = "textarea, input:not([type]), input[type=text], input[type=search], \
                          input[type=url]";

/// Fields a token's name is typed into.
const NAME_FIELDS: &str = "input:not([type]), input[type=text]";

/// Elements whose text is never shown as text.
const SILENT: [&str; 5] = ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA"];

#[wasm_bindgen]
extern "C" {
    /// An element seen through `checkVisibility`, which web-sys does not bind yet.
    #[wasm_bindgen(extends = Element)]
    type Checkable;

    #[wasm_bindgen(catch, method, js_name = checkVisibility)]
    fn check_visibility(this: &Checkable, options: &JsValue) -> Result<bool, JsValue>;
}

/// Whether a person can see `element`: rendered, not `visibility: hidden`, not in a closed
/// `<details>` or `content-visibility` subtree.
pub fn is_visible(element: &Element) -> bool {
    let options = js_sys::Object::new();
    for flag in [
        "checkVisibilityCSS",
        "visibilityProperty",
        "contentVisibilityAuto",
    ] {
        let _ = js_sys::Reflect::set(&options, &flag.into(), &JsValue::TRUE);
    }
    // Both browsers we support have checkVisibility; the fallback only keeps an older engine
    // from throwing into the page.
    let checkable: &Checkable = element.unchecked_ref();
    checkable
        .check_visibility(&options)
        .unwrap_or_else(|_| element.get_client_rects().length() > 0)
}

/// The value of a field that can show a token, or `None` for every other element.
pub fn field_value(element: &Element) -> Option<String> {
    if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        return Some(area.value());
    }
    let input = element.dyn_ref::<HtmlInputElement>()?;
    matches!(input.type_().as_str(), "text" | "search" | "url").then(|| input.value())
}

/// Tokens in the visible text and visible fields at and below `root`.
pub fn tokens_in(root: &Node, found: &mut Vec<Found>) {
    if let Some(text) = root.dyn_ref::<web_sys::Text>() {
        if let Some(parent) = text.parent_element() {
            text_tokens(&text.data(), &parent, found);
        }
        return;
    }
    if let Some(element) = root.dyn_ref::<Element>() {
        field_tokens_of(element, found);
    }
    for field in query_all(root, FIELDS) {
        field_tokens_of(&field, found);
    }
    walk_text(root, found);
}

/// Tokens in every visible field of the document: the only way to see a value that a script set
/// through `.value`, which no DOM mutation reports.
pub fn field_tokens(document: &Document, found: &mut Vec<Found>) {
    for field in query_all(document, FIELDS) {
        field_tokens_of(&field, found);
    }
}

fn field_tokens_of(element: &Element, found: &mut Vec<Found>) {
    let Some(value) = field_value(element) else {
        return;
    };
    if value.len() >= jwt::MIN_TOKEN_LEN {
        let hits = jwt::find(&value);
        if !hits.is_empty() && is_visible(element) {
            found.extend(hits);
        }
    }
}

fn text_tokens(text: &str, parent: &Element, found: &mut Vec<Found>) {
    if text.len() < jwt::MIN_TOKEN_LEN || SILENT.contains(&parent.tag_name().as_str()) {
        return;
    }
    // Decoding first is cheaper than asking for layout, which is what visibility costs.
    let hits = jwt::find(text);
    if !hits.is_empty() && is_visible(parent) {
        found.extend(hits);
    }
}

fn walk_text(root: &Node, found: &mut Vec<Found>) {
    let Some(document) = root
        .owner_document()
        .or_else(|| root.dyn_ref::<Document>().cloned())
    else {
        return;
    };
    // 0x4 is NodeFilter.SHOW_TEXT.
    let Ok(walker) = document.create_tree_walker_with_what_to_show(root, 0x4) else {
        return;
    };
    while let Ok(Some(node)) = walker.next_node() {
        if let (Some(text), Some(parent)) = (node.dyn_ref::<web_sys::Text>(), node.parent_element())
        {
            text_tokens(&text.data(), &parent, found);
        }
    }
}

/// The first non-empty text field found walking up from `origin`, skipping fields that hold a
/// token (that is the secret, not its name).
pub fn nearest_name(origin: &Element) -> Option<String> {
    let mut scope = Some(origin.clone());
    while let Some(element) = scope {
        let fields = std::iter::once(element.clone()).chain(query_all(&element, NAME_FIELDS));
        if let Some(name) = fields.filter_map(|field| typed_name(&field)).next() {
            return Some(name);
        }
        scope = element.parent_element();
    }
    None
}

fn typed_name(field: &Element) -> Option<String> {
    if !field.matches(NAME_FIELDS).unwrap_or(false) {
        return None;
    }
    let value = field_value(field)?;
    let usable = !value.trim().is_empty() && !jwt::is_token(&value) && is_visible(field);
    usable.then_some(value)
}

fn query_all(root: &Node, selector: &str) -> Vec<Element> {
    let list = if let Some(element) = root.dyn_ref::<Element>() {
        element.query_selector_all(selector)
    } else if let Some(document) = root.dyn_ref::<Document>() {
        document.query_selector_all(selector)
    } else if let Some(fragment) = root.dyn_ref::<web_sys::DocumentFragment>() {
        fragment.query_selector_all(selector)
    } else {
        return Vec::new();
    };
    let Ok(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}
