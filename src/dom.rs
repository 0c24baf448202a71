//! Reading what a page shows: visible text and form-field values, in the document and in open
//! shadow roots; never attributes, scripts, hidden inputs or what the person is typing.
//! Returns candidate tokens; `recognise` decides what a token is.

use crate::recognise::{self, Context, Found};
use js_sys::WeakSet;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    CharacterData, Document, Element, HtmlInputElement, HtmlTextAreaElement, Node, ShadowRoot,
};

/// Form fields that can show a token. Hidden and password inputs are left out on purpose: a
/// hidden `_token` input is a CSRF token, and a password field shows nothing.
pub const FIELDS: &str = "textarea, input:not([type]), input[type=text], input[type=search], \
                          input[type=url]";

/// Fields a token's name is typed into.
const NAME_FIELDS: &str = "input:not([type]), input[type=text]";

/// Elements whose text is never shown as text.
const SILENT: [&str; 5] = ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA"];

/// NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT.
const ELEMENTS_AND_TEXT: u32 = 0x1 | 0x4;

#[wasm_bindgen]
extern "C" {
    /// An element seen through `checkVisibility`, which web-sys does not bind yet.
    #[wasm_bindgen(extends = Element)]
    type Checkable;

    #[wasm_bindgen(catch, method, js_name = checkVisibility)]
    fn check_visibility(this: &Checkable, options: &JsValue) -> Result<bool, JsValue>;
}

/// One pass over part of a page: what it found, which shadow roots it entered, and whether it
/// ran out of its node budget before it was done.
pub struct Scan<'a> {
    pub found: Vec<Found>,
    /// Text nodes and fields holding a token that is not visible yet.
    pub hidden: Vec<Node>,
    pub shadow_roots: Vec<ShadowRoot>,
    pub exhausted: bool,
    budget: usize,
    /// Fields the person has typed into: their text is theirs, not the page's.
    typed: &'a WeakSet,
}

impl<'a> Scan<'a> {
    /// A scan that visits at most `budget` nodes.
    pub fn new(budget: usize, typed: &'a WeakSet) -> Self {
        Scan {
            found: Vec::new(),
            hidden: Vec::new(),
            shadow_roots: Vec::new(),
            exhausted: false,
            budget,
            typed,
        }
    }

    /// Visible text and visible fields at and below `root`, entering open shadow roots.
    ///
    /// Busy pages call this for every inserted node, so each step is one call into the browser
    /// at most: node types are read as numbers, fields found with one selector match, and a
    /// childless node gets no tree walker.
    pub fn node(&mut self, root: &Node) {
        match root.node_type() {
            Node::TEXT_NODE => return self.text(root.unchecked_ref()),
            Node::ELEMENT_NODE => self.element(root.unchecked_ref()),
            _ => {}
        }
        if !root.has_child_nodes() {
            return;
        }
        let Some(document) = root
            .owner_document()
            .or_else(|| root.dyn_ref::<Document>().cloned())
        else {
            return;
        };
        let Ok(walker) = document.create_tree_walker_with_what_to_show(root, ELEMENTS_AND_TEXT)
        else {
            return;
        };
        while let Ok(Some(node)) = walker.next_node() {
            if self.budget == 0 {
                self.exhausted = true;
                return;
            }
            self.budget -= 1;
            match node.node_type() {
                Node::TEXT_NODE => self.text(node.unchecked_ref()),
                Node::ELEMENT_NODE => self.element(node.unchecked_ref()),
                _ => {}
            }
        }
    }

    /// Visible fields under `root` (a document or shadow root), the only way to see a value that
    /// a script set through `.value`, which no DOM mutation reports.
    pub fn fields(&mut self, root: &Node) {
        for field in query_all(root, FIELDS) {
            self.field(&field);
        }
    }

    fn element(&mut self, element: &Element) {
        if element.matches(FIELDS).unwrap_or(false) {
            self.field(element);
        }
        if let Some(shadow) = element.shadow_root() {
            // Our own note may hold a token we could not save; it is not the page's.
            if element.local_name() == crate::notice::TAG {
                return;
            }
            self.shadow_roots.push(shadow.clone());
            self.node(&shadow);
        }
    }

    fn field(&mut self, element: &Element) {
        let Some(value) = field_value(element) else {
            return;
        };
        if recognise::worth_scanning(value.len()) && !self.typed.has(element) {
            self.keep_if_visible(&value, element, element);
        }
    }

    fn text(&mut self, text: &CharacterData) {
        // The length check crosses into JS without copying the text; most nodes stop here.
        if !recognise::worth_scanning(text.length() as usize) {
            return;
        }
        let Some(parent) = text.parent_element() else {
            return;
        };
        if !SILENT.contains(&parent.tag_name().as_str()) {
            self.keep_if_visible(&text.data(), &parent, text);
        }
    }

    /// Keeps the tokens in `text` if `element` shows them; otherwise remembers `holder` (the
    /// text node or field) as hidden, to be looked at again when something may have revealed it.
    fn keep_if_visible(&mut self, text: &str, element: &Element, holder: &Node) {
        // Recognising first is cheaper than asking for layout, which is what visibility costs.
        let hits = recognise::find(text, Context::NewSecret);
        if hits.is_empty() {
            return;
        }
        if is_visible(element) {
            self.found.extend(hits);
        } else {
            self.hidden.push(holder.clone());
        }
    }
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
    let usable = !value.trim().is_empty() && !recognise::is_token(&value) && is_visible(field);
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
