//! The extension's on-page note, `<token-saver-notice>`, as a test reads it.

use std::time::Duration;

use serde_json::json;

use crate::error::Result;
use crate::wait::wait_until;
use crate::webdriver::Session;

/// What the extension's `<token-saver-notice>` shows.
#[derive(Debug)]
pub struct Notice {
    /// Its `data-state`: `saved` or `failed`.
    pub state: String,
    /// The text of its shadow root, without the field and the style sheet.
    pub text: String,
    /// The value of the field a failed note shows the token in, if it has one.
    pub field: Option<String>,
    /// Local names of every element in its shadow root.
    pub elements: Vec<String>,
}

const READ_NOTICE: &str = "
    const notice = document.querySelector('token-saver-notice');
    const shadow = notice && notice.shadowRoot;
    if (!shadow || !notice.dataset.state) return null;
    const field = shadow.querySelector('textarea');
    const words = [];
    const walk = document.createTreeWalker(shadow, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
        const parent = walk.currentNode.parentNode.localName;
        if (parent !== 'style' && parent !== 'textarea') words.push(walk.currentNode.data.trim());
    }
    const text = words.filter(Boolean).join(' ');
    if (!text) return null;
    return {
        state: notice.dataset.state,
        text,
        field: field ? field.value : null,
        elements: [...shadow.querySelectorAll('*')].map((e) => e.localName),
    };";

/// Waits for the extension's notice in the current tab and reads it. The state and the message
/// may land in separate steps; it waits for both.
pub fn wait_for_notice(session: &Session, timeout: Duration) -> Result<Notice> {
    let what = "a <token-saver-notice> with data-state and a message in its shadow root";
    let found = wait_until(what, timeout, || {
        let found = session.execute(READ_NOTICE, json!([]))?;
        Ok((!found.is_null()).then_some(found))
    })?;
    Ok(Notice {
        state: found["state"].as_str().unwrap_or_default().to_owned(),
        text: found["text"].as_str().unwrap_or_default().to_owned(),
        field: found["field"].as_str().map(str::to_owned),
        elements: found["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect(),
    })
}
