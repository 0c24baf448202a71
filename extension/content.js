// Starts the Rust content script once the page is intratool's token page, reached by a page load
// or by the application's own history navigation; until then it only looks at the path.
// Chromium refuses to compile wasm in a content script when the page's CSP lacks
// 'wasm-unsafe-eval'; then relay() sends what the page shows to the background, where the same
// Rust code recognises and saves the token. relay() decides nothing itself.
const onTokenPage = () => location.pathname.startsWith('/profil/oauth');
const load = () => wasm_bindgen({ module_or_path: chrome.runtime.getURL('token_saver_bg.wasm') })
  .then(() => wasm_bindgen.start_content(), relay);
if (onTokenPage()) {
  load();
} else {
  const waiting = setInterval(() => onTokenPage() && (clearInterval(waiting), load()), 300);
}

function relay() {
  const fields = 'textarea, input:not([type]), input[type=text], input[type=search], input[type=url]';
  const typed = new WeakSet();
  const values = (root, skip) => [...root.querySelectorAll(fields)]
    .filter((f) => !skip.has(f) && f.checkVisibility()).map((f) => f.value);
  // Read now: once the extension is reloaded, chrome.i18n is gone with it.
  const lost = chrome.i18n.getMessage('relayLost');
  let names = [];
  let last = '';
  let queued = false;
  // What the person typed is the name; it is never a token the page showed.
  const remember = (e) => {
    names = values(e.target.closest('form, dialog, [role=dialog], .modal') || document, new WeakSet());
  };
  const send = () => {
    queued = false;
    const texts = [document.body?.innerText ?? '', ...values(document, typed)];
    if (texts.join('\0') === last) return;
    last = texts.join('\0');
    // sendMessage throws at once when the extension was reloaded while this page stayed open.
    const fail = () => show({ state: 'failed', text: lost });
    try {
      chrome.runtime.sendMessage({ texts, names }).then((notice) => notice && show(notice), fail);
    } catch {
      fail();
    }
  };
  const soon = () => { if (!queued) { queued = true; setTimeout(send, 30); } };
  document.addEventListener('click', remember, true);
  document.addEventListener('submit', remember, true);
  document.addEventListener('input', (e) => e.isTrusted && typed.add(e.target), true);
  new MutationObserver(soon).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  setInterval(soon, 250);
  soon();
}

// Shows the note the background composed; a failed one keeps the token to copy and stays.
function show({ state, text, token, close }) {
  document.querySelector('token-saver-notice')?.remove();
  const host = document.createElement('token-saver-notice');
  host.dataset.state = state;
  host.style.cssText = 'all:initial!important;position:fixed!important;top:16px!important;right:16px!important;'
    + 'z-index:2147483647!important;padding:12px!important;font:15px system-ui!important;color:#fff!important;'
    + `max-width:26rem!important;background:${state === 'saved' ? '#14532d' : '#b91c1c'}!important`;
  const root = host.attachShadow({ mode: 'open' });
  const button = Object.assign(document.createElement('button'), { textContent: close || '×' });
  button.addEventListener('click', () => host.remove());
  root.append(Object.assign(document.createElement('p'), { textContent: text }), button);
  if (token) root.append(Object.assign(document.createElement('textarea'), { value: token, readOnly: true, rows: 4 }));
  document.documentElement.append(host);
  if (state === 'saved') setTimeout(() => host.remove(), 6000);
}
