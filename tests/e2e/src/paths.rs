//! Where things are: the built extension, the fixtures, output folders and browser binaries.

use std::env;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_dir() -> PathBuf {
    crate_dir().join("../..")
}

/// The unpacked extension for one browser (`chrome` or `firefox`), as a canonical path.
///
/// `E2E_DIST` replaces `<workspace>/dist`, e.g. to try a build kept elsewhere.
pub fn extension_dir(browser_folder: &str) -> Result<PathBuf> {
    let dist = env::var_os("E2E_DIST").map_or_else(|| workspace_dir().join("dist"), PathBuf::from);
    let dir = dist.join(browser_folder);
    // Chromium derives the extension id from the canonical path, so resolve links here too.
    dir.canonicalize().map_err(|err| {
        let shown = dir.display();
        Error::Setup(format!(
            "no built extension at {shown} ({err}): run ./build.sh first"
        ))
    })
}

/// `tests/e2e/other-extension`, as a canonical path (Chromium derives its id from it). Kept out
/// of `fixtures/`, which the replica serves.
pub fn other_extension_dir() -> Result<PathBuf> {
    Ok(crate_dir().join("other-extension").canonicalize()?)
}

/// The folder the replica server serves pages from.
pub fn fixtures_dir() -> PathBuf {
    crate_dir().join("fixtures")
}

/// Cargo's target folder, where screenshots and driver logs go.
pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_dir().join("target"), PathBuf::from)
}

/// Where a screenshot called `name` (without extension) is saved.
pub fn screenshot_path(name: &str) -> PathBuf {
    target_dir()
        .join("e2e-screenshots")
        .join(format!("{name}.png"))
}

/// A binary named by environment variable `var`, or `default` when it is unset.
pub fn binary(var: &str, default: &str) -> Result<PathBuf> {
    let path = env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if path.is_file() {
        Ok(path)
    } else {
        let shown = path.display();
        Err(Error::Setup(format!(
            "{shown} not found: install it or set {var}"
        )))
    }
}

/// geckodriver from `GECKODRIVER`, else the first on `PATH`, else cargo's bin folder.
pub fn geckodriver() -> Result<PathBuf> {
    if env::var_os("GECKODRIVER").is_some() {
        return binary("GECKODRIVER", "");
    }
    let on_path = env::var_os("PATH")
        .iter()
        .flat_map(env::split_paths)
        .map(|dir| dir.join("geckodriver"))
        .find(|candidate| candidate.is_file());
    let cargo_bin = env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin"));
    let fallback = cargo_bin.unwrap_or_default().join("geckodriver");
    on_path
        .or(fallback.is_file().then_some(fallback))
        .ok_or_else(|| {
            Error::Setup(String::from(
                "geckodriver not found on PATH or in ~/.cargo/bin: \
             run `cargo install geckodriver --locked` or set GECKODRIVER",
            ))
        })
}
