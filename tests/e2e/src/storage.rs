//! The extension's saved token records, picked out of a dump of its storage.

use serde_json::Value;

/// Keys of token records start with this; the extension may keep other keys beside them.
pub const TOKEN_KEY_PREFIX: &str = "token:";

/// The values stored under `token:` keys, in key order.
pub fn token_records(dump: &Value) -> Vec<&Value> {
    token_items(dump).map(|(_, record)| record).collect()
}

/// The entries under `token:` keys, key and value, in key order.
pub fn token_entries(dump: &Value) -> Vec<(String, Value)> {
    token_items(dump)
        .map(|(key, record)| (key.clone(), record.clone()))
        .collect()
}

fn token_items(dump: &Value) -> impl Iterator<Item = (&String, &Value)> {
    dump.as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.starts_with(TOKEN_KEY_PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_token_keys_count() {
        let dump = json!({ "token:a": { "name": "A" }, "settings": { "lang": "de" } });

        let records = token_records(&dump);

        assert_eq!(records, vec![&json!({ "name": "A" })]);
    }
}
