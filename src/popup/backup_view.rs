//! The popup's export and import controls, shown when it is opened in a tab.

use super::{by_id, refresh};
use crate::backup::{self, Checked};
use crate::chrome::{self, ChromeStore};
use crate::store::{self, newest_first, Saved, TokenStore};
use js_sys::{Array, Date};
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, BlobPropertyBag, Document, HtmlAnchorElement, HtmlInputElement, Url};

/// Wires the export button and the import file field.
pub fn install(document: &Document) -> Result<(), JsValue> {
    on(document, "export", "click", |document| async move {
        export(&document).await
    })?;
    on(document, "import", "change", |document| async move {
        import(&document).await
    })
}

/// Runs `action` on each `event` at the element `id` and reports its outcome.
fn on<F, Fut>(document: &Document, id: &str, event: &str, action: F) -> Result<(), JsValue>
where
    F: Fn(Document) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<String>, String>> + 'static,
{
    let target = by_id(document, id)?;
    let document = document.clone();
    let listener = Closure::<dyn FnMut()>::new(move || {
        let outcome = action(document.clone());
        let document = document.clone();
        spawn_local(async move { report(&document, outcome.await) });
    });
    target.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref())?;
    // The popup's lifetime is the listener's: it goes when the popup closes.
    listener.forget();
    Ok(())
}

/// Shows the lines of an outcome under the controls.
fn report(document: &Document, lines: Result<Vec<String>, String>) {
    let Ok(list) = by_id(document, "report") else {
        return;
    };
    list.replace_children_with_node_0();
    let lines = lines.unwrap_or_else(|error| vec![error]);
    for line in lines {
        if let Ok(item) = document.create_element("li") {
            item.set_text_content(Some(&line));
            let _ = list.append_with_node_1(&item);
        }
    }
}

/// Downloads every saved token as one JSON file.
async fn export(document: &Document) -> Result<Vec<String>, String> {
    let listing = ChromeStore.list().await.map_err(|e| e.to_string())?;
    let records: Vec<_> = newest_first(listing.records)
        .into_iter()
        .map(|(_, record)| record)
        .collect();
    let text = backup::export(&records, Date::now());
    download(document, &text).map_err(|_| chrome::message("backupExportFailed", &[]))?;
    Ok(vec![chrome::message(
        "backupExported",
        &[&records.len().to_string()],
    )])
}

fn download(document: &Document, text: &str) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&text.into()), &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let link: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    let day: String = Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect();
    link.set_href(&url);
    link.set_download(&format!("token-saver-backup-{day}.json"));
    link.click();
    // The browser has taken the data once the click is handled; a later revoke keeps it safe
    // for browsers that start the download asynchronously.
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    web_sys::window()
        .ok_or("no window")?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000)?;
    Ok(())
}

/// Reads the chosen file, checks it, and saves every new token in it.
async fn import(document: &Document) -> Result<Vec<String>, String> {
    let input: HtmlInputElement = by_id(document, "import")
        .map_err(|_| "no import field")?
        .unchecked_into();
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(Vec::new());
    };
    input.set_value("");
    let fail = |reason: String| chrome::message("backupImportFailed", &[&reason]);
    if file.size() > backup::MAX_FILE_BYTES as f64 {
        return Err(fail(backup::FileError::TooLarge.to_string()));
    }
    let text = JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let Checked { records, skipped } = backup::check(&text).map_err(|e| fail(e.to_string()))?;
    let (mut added, mut existing, mut lines) = (0, 0, Vec::new());
    for record in &records {
        match store::save(&ChromeStore, record).await {
            Ok(Saved::New(_)) => added += 1,
            Ok(Saved::Existing(_)) => existing += 1,
            Err(error) => lines.push(chrome::message(
                "backupNotSaved",
                &[&record.name, &error.to_string()],
            )),
        }
    }
    lines.insert(
        0,
        chrome::message(
            "backupImported",
            &[&added.to_string(), &existing.to_string()],
        ),
    );
    for skip in skipped {
        lines.push(chrome::message(
            "backupSkipped",
            &[&skip.entry.to_string(), &skip.reason],
        ));
    }
    let _ = refresh(document).await;
    Ok(lines)
}
