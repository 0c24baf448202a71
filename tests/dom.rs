//! DOM code in a real browser: what the walker reads, the on-page notice, the popup list.
//! Runs under wasm-bindgen-test in headless Chromium and Firefox (`./build.sh test`).
#![cfg(target_arch = "wasm32")]

use js_sys::WeakSet;
use token_saver::dom::Scan;
use token_saver::notice::{self, Outcome};
use token_saver::recognise::{self, Context};
use token_saver::record::TokenRecord;
use token_saver::{dom, popup};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

const TOKEN: &str = include_str!("fixtures/passport.jwt");

fn token() -> &'static str {
    TOKEN.trim()
}

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the test page holding `html`; removed by the next call.
fn page(html: &str) -> Element {
    let document = document();
    if let Some(old) = document.get_element_by_id("fixture") {
        old.remove();
    }
    let container = document.create_element("div").unwrap();
    container.set_id("fixture");
    container.set_inner_html(html);
    document.body().unwrap().append_child(&container).unwrap();
    container
}

fn found_in(root: &Element) -> Vec<String> {
    let typed = WeakSet::new();
    let mut scan = Scan::new(usize::MAX, &typed);
    scan.node(root);
    scan.found.into_iter().map(|f| f.token).collect()
}

fn query(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap()
}

#[wasm_bindgen_test]
fn finds_a_token_set_only_as_a_field_value() {
    let root = page(r#"<textarea id="t"></textarea>"#);
    let area: HtmlTextAreaElement = query(&root, "#t").dyn_into().unwrap();

    area.set_value(token());

    assert_eq!(found_in(&root), [token()]);
    let typed = WeakSet::new();
    let mut polled = Scan::new(usize::MAX, &typed);
    polled.fields(&document());
    assert_eq!(polled.found.len(), 1);
}

#[wasm_bindgen_test]
fn finds_a_token_shown_as_text() {
    let root = page(&format!("<p>Ihr Token:</p><code>{}</code>", token()));

    assert_eq!(found_in(&root), [token()]);
}

#[wasm_bindgen_test]
fn a_hidden_modal_is_read_only_once_it_is_shown() {
    let root = page(&format!(
        r#"<div class="modal" style="display:none"><textarea>{}</textarea><pre>{}</pre></div>"#,
        token(),
        token()
    ));
    assert!(found_in(&root).is_empty());

    query(&root, ".modal")
        .set_attribute("style", "display:block")
        .unwrap();

    assert_eq!(
        found_in(&root),
        [token(), token()],
        "once in the field, once in the text"
    );
}

#[wasm_bindgen_test]
fn never_reads_hidden_inputs_attributes_scripts_or_password_fields() {
    let t = token();
    let root = page(&format!(
        r#"<input type="hidden" name="_token" value="{t}">
           <input type="password" value="{t}">
           <a href="/x?t={t}" title="{t}" data-token="{t}">link</a>
           <script type="application/json">{{"token":"{t}"}}</script>
           <template><p>{t}</p></template>
           <p style="visibility:hidden">{t}</p>"#
    ));

    assert!(found_in(&root).is_empty());
}

#[wasm_bindgen_test]
fn finds_a_token_inside_an_open_shadow_root_and_reports_the_root() {
    let root = page(r#"<token-widget></token-widget>"#);
    let host = query(&root, "token-widget");
    let shadow = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    let code = document().create_element("code").unwrap();
    code.set_text_content(Some(token()));
    shadow.append_child(&code).unwrap();
    let typed = WeakSet::new();
    let mut scan = Scan::new(usize::MAX, &typed);

    scan.node(&root);

    assert_eq!(scan.found.len(), 1);
    assert_eq!(scan.shadow_roots.len(), 1);
}

#[wasm_bindgen_test]
fn skips_a_field_the_person_typed_into() {
    let root = page(r#"<input id="t" type="text">"#);
    let input: web_sys::HtmlInputElement = query(&root, "#t").dyn_into().unwrap();
    input.set_value(token());
    let typed = WeakSet::new();
    typed.add(&input);
    let mut scan = Scan::new(usize::MAX, &typed);

    scan.node(&root);

    assert!(scan.found.is_empty());
}

#[wasm_bindgen_test]
fn a_scan_stops_when_its_budget_is_spent() {
    let root = page(&"<p>x</p>".repeat(100));
    let typed = WeakSet::new();
    let mut scan = Scan::new(50, &typed);

    scan.node(&root);

    assert!(scan.exhausted);
}

#[wasm_bindgen_test]
fn takes_the_name_from_the_field_next_to_the_clicked_button() {
    let root = page(
        r#"<input type="text" value="Suche">
           <div class="modal"><form><input id="create-token-name" value="CI Deploy"></form>
           <div class="footer"><button id="create">Erstellen</button></div></div>"#,
    );

    let name = dom::nearest_name(&query(&root, "#create"));

    assert_eq!(name.as_deref(), Some("CI Deploy"));
}

#[wasm_bindgen_test]
fn the_notice_shows_text_in_a_shadow_root_the_page_cannot_hide() {
    let root = page("<style>token-saver-notice, div, p { display: none !important; }</style>");
    let document = document();

    notice::show(&document, Outcome::Saved, "<b>saved</b>", "Close", None).unwrap();
    notice::show(
        &document,
        Outcome::Failed,
        "NOT saved",
        "Close",
        Some(token()),
    )
    .unwrap();

    let shown = document.query_selector_all(notice::TAG).unwrap();
    assert_eq!(shown.length(), 1, "a new notice replaces the old one");
    let host: HtmlElement = shown.item(0).unwrap().dyn_into().unwrap();
    assert_eq!(host.get_attribute("data-state").as_deref(), Some("failed"));
    let shadow = host.shadow_root().unwrap();
    assert_eq!(
        shadow
            .query_selector("p")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("NOT saved")
    );
    assert!(
        host.offset_height() > 0,
        "the page's stylesheet hid the notice"
    );
    host.remove();
    root.remove();
}

#[wasm_bindgen_test]
fn the_popup_lists_records_as_text_only() {
    let root = page(r#"<p id="empty" hidden></p><ul id="tokens"></ul>"#);
    let found = recognise::find(token(), Context::Page).remove(0);
    let name = r#"<img src=x onerror="alert(1)">"#;
    let record = TokenRecord::new(found, Some(name), "acme.intratool.de", 1.7e12).unwrap();

    popup::render(&document(), &[(record.key(), record)]).unwrap();

    assert_eq!(
        query(&root, "li.token .name").text_content().as_deref(),
        Some(name)
    );
    assert_eq!(
        query(&root, "li.token .tenant").text_content().as_deref(),
        Some("acme")
    );
    assert!(root.query_selector("img").unwrap().is_none());
    assert!(query(&root, "#empty").has_attribute("hidden"));
}

#[wasm_bindgen_test]
fn the_popup_marks_a_token_past_its_expiry() {
    let root = page(r#"<p id="empty" hidden></p><ul id="tokens"></ul>"#);
    let found = recognise::find(token(), Context::Page).remove(0);
    let now_s = (js_sys::Date::now() / 1000.0) as i64;
    let mut expired = TokenRecord::new(found, Some("old"), "acme.intratool.de", 1.7e12).unwrap();
    expired.claims.exp = Some(now_s - 60);
    let mut valid = expired.clone();
    valid.claims.exp = Some(now_s + 3600);

    popup::render(&document(), &[("a".into(), expired), ("b".into(), valid)]).unwrap();

    let class = |key: &str| {
        query(&root, &format!(r#"li[data-key="{key}"] .expires"#))
            .class_name()
            .split(' ')
            .any(|class| class == "expired")
    };
    assert!(class("a"), "the expired token is marked");
    assert!(!class("b"), "the valid one is not");
}

#[wasm_bindgen_test]
fn the_popup_without_records_shows_the_empty_state() {
    let root = page(r#"<p id="empty" hidden></p><ul id="tokens"></ul>"#);

    popup::render(&document(), &[]).unwrap();

    assert!(!query(&root, "#empty").has_attribute("hidden"));
    assert_eq!(query(&root, "#tokens").child_element_count(), 0);
}
