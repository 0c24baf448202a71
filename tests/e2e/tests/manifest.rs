//! What the built extension asks the browser for, read from `dist/` as it ships: one
//! permission, content scripts and web-accessible files only on intratool, a strict CSP for its
//! own pages, and no code from anywhere but its own package.

use std::fs;
use std::path::Path;

use e2e::{extension_dir, Kind};
use serde_json::{json, Value};

const INTRATOOL: &str = "https://*.intratool.de/*";
const EXTENSION_PAGES_CSP: &str = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'";

/// Keys that would widen what the extension can reach or who can reach it.
const WIDENING_KEYS: [&str; 6] = [
    "host_permissions",
    "optional_permissions",
    "optional_host_permissions",
    "externally_connectable",
    "sandbox",
    "update_url",
];

#[test]
fn chromium_build_asks_for_storage_alone_and_exposes_only_its_wasm_by_dynamic_url() {
    let manifest = manifest(Kind::Chromium);

    assert_common(&manifest);
    assert_eq!(
        manifest["web_accessible_resources"],
        json!([{
            "resources": ["token_saver_bg.wasm"],
            "matches": [INTRATOOL],
            "use_dynamic_url": true,
        }]),
        "{manifest:#}"
    );
    assert_eq!(
        manifest["background"],
        json!({ "service_worker": "background.js" }),
        "{manifest:#}"
    );
}

#[test]
fn firefox_build_asks_for_storage_alone_and_exposes_only_its_wasm() {
    let manifest = manifest(Kind::Firefox);

    assert_common(&manifest);
    assert_eq!(
        manifest["web_accessible_resources"],
        json!([{ "resources": ["token_saver_bg.wasm"], "matches": [INTRATOOL] }]),
        "{manifest:#}"
    );
    assert!(manifest.get("background").is_none(), "{manifest:#}");
}

#[test]
fn every_script_the_extension_runs_is_a_file_of_its_own_package() {
    for kind in Kind::ALL {
        let dir = extension_dir(kind.build_folder()).expect("a build in dist/");
        let manifest = manifest(kind);
        let mut scripts: Vec<String> = manifest["content_scripts"][0]["js"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
        if let Some(worker) = manifest["background"]["service_worker"].as_str() {
            scripts.push(worker.to_owned());
            scripts.extend(imported_scripts(&dir.join(worker)));
        }
        scripts.extend(page_scripts(&dir.join("popup.html")));

        assert!(scripts.len() >= 4, "{kind:?}: found only {scripts:?}");
        for script in &scripts {
            assert!(
                !script.contains(':') && !script.starts_with("//"),
                "{kind:?} loads {script:?}, which is not a file of its package"
            );
            assert!(
                dir.join(script).is_file(),
                "{kind:?} loads {script:?}, which its package lacks"
            );
        }
    }
}

fn manifest(kind: Kind) -> Value {
    let dir = extension_dir(kind.build_folder()).expect("a build in dist/");
    let text = fs::read_to_string(dir.join("manifest.json")).expect("a manifest");
    serde_json::from_str(&text).expect("the manifest is JSON")
}

fn assert_common(manifest: &Value) {
    assert_eq!(manifest["manifest_version"], 3, "{manifest:#}");
    assert_eq!(manifest["permissions"], json!(["storage"]), "{manifest:#}");
    for key in WIDENING_KEYS {
        assert!(manifest.get(key).is_none(), "{key} in {manifest:#}");
    }
    assert_eq!(
        manifest["content_security_policy"],
        json!({ "extension_pages": EXTENSION_PAGES_CSP }),
        "{manifest:#}"
    );
    let content_scripts = manifest["content_scripts"]
        .as_array()
        .expect("content scripts");
    assert_eq!(content_scripts.len(), 1, "{manifest:#}");
    assert_eq!(
        content_scripts[0]["matches"],
        json!([INTRATOOL]),
        "{manifest:#}"
    );
}

/// The `src` of every `<script>` in an HTML page; an inline script counts as `inline`.
fn page_scripts(page: &Path) -> Vec<String> {
    let html = fs::read_to_string(page).expect("the page");
    html.split("<script")
        .skip(1)
        .map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            match tag.split_once("src=\"") {
                Some((_, rest)) => rest[..rest.find('"').unwrap_or(rest.len())].to_owned(),
                None => String::from("inline:"),
            }
        })
        .collect()
}

/// The files a service worker pulls in with `importScripts('…')`.
fn imported_scripts(worker: &Path) -> Vec<String> {
    let js = fs::read_to_string(worker).expect("the service worker");
    js.split("importScripts(")
        .skip(1)
        .filter_map(|call| {
            let quoted = call.trim_start();
            let quote = quoted.chars().next()?;
            let rest = &quoted[1..];
            Some(rest[..rest.find(quote)?].to_owned())
        })
        .collect()
}
