//! Export of all saved tokens to a JSON file, and the checks an imported file goes through.
//!
//! Pure logic: the popup reads and writes the file, `store::save` does the merging.

use crate::recognise;
use crate::record::{clean_name, tenant_of, TokenRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Names the file's purpose inside it, so a stray JSON file is refused with a clear reason.
const FORMAT: &str = "token-saver-backup";
const FORMAT_VERSION: u32 = 1;

/// Largest file we read: a backup of thousands of tokens is a few MB.
pub const MAX_FILE_BYTES: usize = 20 << 20;

#[derive(Serialize, Deserialize)]
struct File<T> {
    format: String,
    version: u32,
    /// Milliseconds since the epoch.
    exported_at: f64,
    tokens: Vec<T>,
}

/// The JSON text of a backup of `records`.
pub fn export(records: &[TokenRecord], now: f64) -> String {
    let file = File {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        exported_at: now,
        tokens: records.to_vec(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Why a whole file was refused.
#[derive(Debug, PartialEq)]
pub enum FileError {
    TooLarge,
    NotJson(String),
    NotABackup,
    NewerVersion(u32),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::TooLarge => write!(f, "the file is larger than {} MB", MAX_FILE_BYTES >> 20),
            FileError::NotJson(why) => write!(f, "the file is not JSON ({why})"),
            FileError::NotABackup => f.write_str("the file is not a Token Saver backup"),
            FileError::NewerVersion(v) => write!(
                f,
                "the file was written by a newer version (format {v}); update the extension"
            ),
        }
    }
}

/// One entry of a file that was left out, and why.
#[derive(Debug, PartialEq)]
pub struct Skipped {
    /// Position in the file, counting from 1.
    pub entry: usize,
    pub reason: String,
}

/// The records of a file that passed every check, and the entries that did not.
#[derive(Debug, Default, PartialEq)]
pub struct Checked {
    pub records: Vec<TokenRecord>,
    pub skipped: Vec<Skipped>,
}

/// Reads a backup file; every entry is checked on its own, so one bad entry costs only itself.
pub fn check(text: &str) -> Result<Checked, FileError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| FileError::NotJson(e.to_string()))?;
    let file: File<Value> = serde_json::from_value(value).map_err(|_| FileError::NotABackup)?;
    if file.format != FORMAT {
        return Err(FileError::NotABackup);
    }
    if file.version > FORMAT_VERSION {
        return Err(FileError::NewerVersion(file.version));
    }
    let mut checked = Checked::default();
    for (index, entry) in file.tokens.into_iter().enumerate() {
        match check_entry(entry) {
            Ok(record) => checked.records.push(record),
            Err(reason) => checked.skipped.push(Skipped {
                entry: index + 1,
                reason,
            }),
        }
    }
    Ok(checked)
}

fn check_entry(entry: Value) -> Result<TokenRecord, String> {
    // Reading a record upgrades an older one and refuses one from a newer version.
    let mut record: TokenRecord =
        serde_json::from_value(entry).map_err(|e| format!("unreadable entry: {e}"))?;
    if !recognise::is_token(&record.token) {
        return Err("its token is not a token this extension recognises".into());
    }
    // What a file says about where and under which name is held to what capture would store.
    record.host = record.host.to_ascii_lowercase();
    let Some(tenant) = tenant_of(&record.host) else {
        return Err(format!("{:?} is not an intratool host", record.host));
    };
    record.tenant = tenant.to_owned();
    record.name = clean_name(&record.name);
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::tests::{passport_token, JTI};
    use crate::recognise::{find, Context};

    fn record(jti: &str, name: &str) -> TokenRecord {
        let found = find(&passport_token(jti), Context::Page).remove(0);
        TokenRecord::new(found, Some(name), "acme.intratool.de", 1.7e12).unwrap()
    }

    #[test]
    fn an_export_checks_back_in_unchanged() {
        let records = vec![record(JTI, "CI"), record("other", "Staging")];

        let checked = check(&export(&records, 1.8e12)).unwrap();

        assert_eq!(
            checked,
            Checked {
                records,
                skipped: vec![]
            }
        );
    }

    #[test]
    fn bad_entries_are_skipped_with_their_reason_and_the_rest_kept() {
        let mut bad_token = record("x", "bad token");
        bad_token.token = "not a token".into();
        let mut bad_host = record("y", "bad host");
        bad_host.host = "evil.example".into();
        let mut text: Value =
            serde_json::from_str(&export(&[record(JTI, "good"), bad_token, bad_host], 0.0))
                .unwrap();
        text["tokens"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"token": 5}));

        let checked = check(&text.to_string()).unwrap();

        assert_eq!(checked.records.len(), 1);
        let skipped: Vec<usize> = checked.skipped.iter().map(|s| s.entry).collect();
        assert_eq!(skipped, [2, 3, 4]);
        assert!(checked.skipped[0].reason.contains("not a token"));
        assert!(checked.skipped[1].reason.contains("evil.example"));
        assert!(checked.skipped[2].reason.contains("unreadable"));
    }

    #[test]
    fn a_first_release_entry_imports_with_the_claims_of_its_token() {
        let token = passport_token(JTI);
        let mut entry = serde_json::to_value(record(JTI, "old")).unwrap();
        entry["v"] = 1.into();
        entry["claims"] = serde_json::json!({ "jti": "forged", "exp": 4102444800_i64 });
        let file = serde_json::json!({
            "format": FORMAT, "version": 1, "exported_at": 0, "tokens": [entry]
        });

        let checked = check(&file.to_string()).unwrap();

        assert_eq!(checked.skipped, []);
        let imported = &checked.records[0];
        assert_eq!(imported.claims, crate::jwt::parse(&token).unwrap().claims);
        assert_eq!(imported.key(), format!("token:{JTI}"));
    }

    #[test]
    fn an_imported_record_gets_its_tenant_from_its_host_and_a_bounded_name() {
        let mut forged = record(JTI, &"n".repeat(50));
        forged.tenant = "someone-else".into();
        forged.name = "x".repeat(10_000);

        let checked = check(&export(&[forged], 0.0)).unwrap();

        assert_eq!(checked.records[0].tenant, "acme");
        assert_eq!(checked.records[0].name.chars().count(), 200);
    }

    #[test]
    fn refuses_files_that_are_not_backups() {
        assert!(matches!(check("{"), Err(FileError::NotJson(_))));
        assert_eq!(check("[]"), Err(FileError::NotABackup));
        assert_eq!(
            check(r#"{"format":"other","version":1,"exported_at":0,"tokens":[]}"#),
            Err(FileError::NotABackup)
        );
        let newer = r#"{"format":"token-saver-backup","version":9,"exported_at":0,"tokens":[]}"#;
        assert_eq!(check(newer), Err(FileError::NewerVersion(9)));
        assert_eq!(
            check(&" ".repeat(MAX_FILE_BYTES + 1)),
            Err(FileError::TooLarge)
        );
    }
}
