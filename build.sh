#!/usr/bin/env bash
# Builds the extension for Chromium and Firefox into dist/, installing what is missing.
#   ./build.sh        build dist/chrome, dist/firefox and their store zips
#   ./build.sh test   build, then run every test (unit, DOM, lint, end-to-end)
set -euo pipefail
cd "$(dirname "$0")"
# cargo install puts wasm-bindgen and geckodriver here; a fresh login shell may not have it yet.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

readonly TARGET=wasm32-unknown-unknown
readonly PKG=target/pkg
# web-ext checks the Firefox build the way addons.mozilla.org does; pinned so results repeat.
readonly WEB_EXT=web-ext@10.7.0

log() { printf '\n==> %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs the Debian packages among "$@" that are not installed yet.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The version Cargo.lock records for crate $1.
locked_version() {
  awk -v want="name = \"$1\"" '$0 == want { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

install_build_tools() {
  rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"
  apt_install jq zip
  local want have
  want=$(locked_version wasm-bindgen)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ "$have" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (about 7 minutes)"
    # Not --locked: the CLI's own lock file names crate versions the registry mirror may lack.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

install_test_tools() {
  # The German language pack lets the end-to-end tests run Firefox in German.
  apt_install chromium chromium-driver firefox-esr firefox-esr-l10n-de
  if ! command -v geckodriver >/dev/null; then
    log "installing geckodriver (about 6 minutes)"
    cargo install geckodriver --locked
  fi
}

# Copies the files of one browser's build and writes its manifest: the shared manifest.json with
# manifest.<browser>.json laid over it, the one place where the browsers differ.
assemble() {
  local browser=$1 out=dist/$1
  shift
  rm -rf "$out"
  mkdir -p "$out"
  cp -r extension/_locales "$@" "$out/"
  mkdir -p "$out/icons"
  cp extension/icons/*.png "$out/icons/"
  cp "$PKG/token_saver.js" "$PKG/token_saver_bg.wasm" "$out/"
  jq -s '.[0] * .[1]' extension/manifest.json "extension/manifest.$browser.json" >"$out/manifest.json"
  rm -f "dist/token-saver-$browser.zip"
  (cd "$out" && zip -qrX "../token-saver-$browser.zip" .)
}

build() {
  install_build_tools
  log "building the wasm module"
  cargo build --release --target "$TARGET" -p token-saver
  rm -rf "$PKG"
  wasm-bindgen --target no-modules --no-typescript --remove-name-section \
    --out-dir "$PKG" "target/$TARGET/release/token_saver.wasm"
  local common=(extension/content.js extension/popup.html extension/popup.css extension/popup.js)
  assemble chrome "${common[@]}" extension/background.js
  assemble firefox "${common[@]}"
  log "built dist/chrome, dist/firefox, dist/token-saver-chrome.zip, dist/token-saver-firefox.zip"
  ls -l "$PKG/token_saver.js" "$PKG/token_saver_bg.wasm" >&2
}

run_tests() {
  build
  install_test_tools
  log "format and lints"
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets -- -D warnings
  cargo clippy -p token-saver --target "$TARGET" --all-targets -- -D warnings
  log "unit tests"
  cargo test -p token-saver
  log "DOM tests in headless Chromium"
  CHROMEDRIVER=$(command -v chromedriver) cargo test -p token-saver --target "$TARGET"
  log "DOM tests in headless Firefox"
  GECKODRIVER=$(command -v geckodriver) cargo test -p token-saver --target "$TARGET"
  log "web-ext lint of the Firefox build"
  npx --yes "$WEB_EXT" lint --source-dir dist/firefox --warnings-as-errors
  log "end-to-end tests in headless Chromium and Firefox"
  cargo test -p e2e -- --test-threads=1
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
