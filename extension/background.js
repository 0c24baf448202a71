// Chromium's service worker: answers the relay of content scripts that could not start wasm.
// The listener is registered synchronously, as MV3 requires, and waits for the module itself.
importScripts('token_saver.js');
const ready = wasm_bindgen({ module_or_path: 'token_saver_bg.wasm' });
chrome.runtime.onMessage.addListener((message, sender, reply) => {
  ready.then(() => wasm_bindgen.on_relay(message, sender)).then(reply, () => reply(null));
  return true;
});
