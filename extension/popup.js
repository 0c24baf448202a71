// Starts the Rust popup.
wasm_bindgen({ module_or_path: 'token_saver_bg.wasm' }).then(() => wasm_bindgen.start_popup());
