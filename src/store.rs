//! Where saved tokens live: a small async key-value trait, the save rule built on it, and an
//! in-memory store for tests. The browser's `chrome.storage.local` implements it in `chrome.rs`.

use crate::record::{TokenRecord, KEY_PREFIX};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

/// How often a key is suffixed before we give up: two different tokens sharing a jti would be
/// a broken issuer, and more than a handful means something else is wrong.
const MAX_KEY_SUFFIX: u32 = 8;

/// Why a store could not do what was asked.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The extension was reloaded or updated while the page stayed open; this page can no longer
    /// reach its storage.
    ContextInvalidated,
    /// The extension's storage quota is used up; nothing was written.
    Full,
    /// The browser refused the read or write (disk, policy); carries its message.
    Rejected(String),
    /// A value came back that we did not write, or in a shape we cannot read.
    Unreadable(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::ContextInvalidated => {
                f.write_str("the extension was updated or reloaded while this page was open")
            }
            StoreError::Full => f.write_str(
                "the extension's storage is full; export your tokens and remove old ones",
            ),
            StoreError::Rejected(why) => write!(f, "the browser refused to store it: {why}"),
            StoreError::Unreadable(why) => write!(f, "stored data could not be read: {why}"),
        }
    }
}

/// Every saved record plus how many entries under the token prefix could not be read.
#[derive(Debug, Default)]
pub struct Listing {
    pub records: Vec<(String, TokenRecord)>,
    pub unreadable: usize,
}

/// What a store holds under one key.
// Made once per read and consumed at once; boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    Free,
    Token(TokenRecord),
    /// Something we cannot read: damaged, foreign, or from a newer version. Never overwritten.
    Unreadable,
}

/// A key-value store of token records. Async because `chrome.storage` is.
#[allow(async_fn_in_trait)]
pub trait TokenStore {
    async fn get(&self, key: &str) -> Result<Slot, StoreError>;
    async fn put(&self, key: &str, record: &TokenRecord) -> Result<(), StoreError>;
    async fn list(&self) -> Result<Listing, StoreError>;
}

impl StoreError {
    /// Whether trying again may help: a refused write may be a passing hiccup of the browser's
    /// storage, but a full store or a dead extension context stays that way.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Rejected(_) | StoreError::Unreadable(_))
    }
}

/// Pauses before each retry of a transient failure, in milliseconds.
pub const RETRY_PAUSES_MS: [u32; 3] = [50, 250, 1_000];

/// [`save`], retried after each pause in [`RETRY_PAUSES_MS`] while the failure is transient.
/// `pause` waits the given number of milliseconds.
pub async fn save_retrying<P, F>(
    store: &impl TokenStore,
    record: &TokenRecord,
    pause: P,
) -> Result<Saved, StoreError>
where
    P: Fn(u32) -> F,
    F: std::future::Future<Output = ()>,
{
    let mut outcome = save(store, record).await;
    for ms in RETRY_PAUSES_MS {
        match &outcome {
            Err(error) if error.is_transient() => {
                pause(ms).await;
                outcome = save(store, record).await;
            }
            _ => break,
        }
    }
    outcome
}

/// What [`save`] did.
#[derive(Debug, PartialEq)]
pub enum Saved {
    /// Written and read back under this key.
    New(String),
    /// This exact token was already stored under this key; nothing was written.
    Existing(String),
}

/// Saves `record` under its own key unless the same token is already stored, and confirms the
/// write by reading it back.
pub async fn save(store: &impl TokenStore, record: &TokenRecord) -> Result<Saved, StoreError> {
    let base = record.key();
    for suffix in 0..=MAX_KEY_SUFFIX {
        let key = if suffix == 0 {
            base.clone()
        } else {
            format!("{base}~{suffix}")
        };
        match store.get(&key).await? {
            Slot::Token(stored) if stored.token == record.token => return Ok(Saved::Existing(key)),
            // Another token with the same id, or an entry we cannot read: both stay as they are.
            Slot::Token(_) | Slot::Unreadable => continue,
            Slot::Free => {
                store.put(&key, record).await?;
                return match store.get(&key).await? {
                    Slot::Token(stored) if stored.token == record.token => Ok(Saved::New(key)),
                    _ => Err(StoreError::Unreadable("the write did not read back".into())),
                };
            }
        }
    }
    Err(StoreError::Unreadable(format!(
        "{MAX_KEY_SUFFIX} other entries hold this token's key"
    )))
}

/// Records newest first, the order the popup shows them in.
pub fn newest_first(mut records: Vec<(String, TokenRecord)>) -> Vec<(String, TokenRecord)> {
    records.sort_by(|a, b| {
        b.1.captured_at
            .total_cmp(&a.1.captured_at)
            .then_with(|| a.0.cmp(&b.0))
    });
    records
}

/// A store in memory, for tests of everything built on [`TokenStore`].
#[derive(Default)]
pub struct MemoryStore {
    entries: RefCell<BTreeMap<String, Slot>>,
    /// Errors the next writes fail with, first one first; for tests of failure handling.
    failures: RefCell<Vec<StoreError>>,
}

impl MemoryStore {
    /// Makes the next writes fail with `errors`, in order.
    pub fn fail_writes(&self, errors: impl IntoIterator<Item = StoreError>) {
        self.failures.borrow_mut().extend(errors);
    }

    /// Puts an entry we cannot read under `key`, as a damaged or foreign one would be.
    pub fn plant_unreadable(&self, key: &str) {
        self.entries
            .borrow_mut()
            .insert(key.to_owned(), Slot::Unreadable);
    }
}

impl TokenStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Slot, StoreError> {
        Ok(self
            .entries
            .borrow()
            .get(key)
            .cloned()
            .unwrap_or(Slot::Free))
    }

    async fn put(&self, key: &str, record: &TokenRecord) -> Result<(), StoreError> {
        let mut failures = self.failures.borrow_mut();
        if !failures.is_empty() {
            return Err(failures.remove(0));
        }
        self.entries
            .borrow_mut()
            .insert(key.to_owned(), Slot::Token(record.clone()));
        Ok(())
    }

    async fn list(&self) -> Result<Listing, StoreError> {
        let mut listing = Listing::default();
        for (key, slot) in self.entries.borrow().iter() {
            match slot {
                _ if !key.starts_with(KEY_PREFIX) => {}
                Slot::Token(record) => listing.records.push((key.clone(), record.clone())),
                Slot::Unreadable => listing.unreadable += 1,
                Slot::Free => {}
            }
        }
        Ok(listing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::tests::{passport_token, JTI};
    use crate::recognise::{find, Context as Seen};
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Runs a future that never waits, which is every future over [`MemoryStore`].
    fn ready<T>(future: impl Future<Output = T>) -> T {
        match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(value) => value,
            Poll::Pending => panic!("a MemoryStore future waited"),
        }
    }

    fn record(jti: &str, name: &str, at: f64) -> TokenRecord {
        let found = find(&passport_token(jti), Seen::Page).remove(0);
        TokenRecord::new(found, Some(name), "acme.intratool.de", at).unwrap()
    }

    #[test]
    fn saves_a_new_token_under_its_own_key() {
        let store = MemoryStore::default();

        let saved = ready(save(&store, &record(JTI, "CI", 1.0)));

        assert_eq!(saved, Ok(Saved::New(format!("token:{JTI}"))));
        assert_eq!(ready(store.list()).unwrap().records.len(), 1);
    }

    #[test]
    fn the_same_token_shown_again_is_saved_once_and_keeps_its_first_name() {
        let store = MemoryStore::default();
        ready(save(&store, &record(JTI, "first", 1.0))).unwrap();

        let again = ready(save(&store, &record(JTI, "", 2.0)));

        assert_eq!(again, Ok(Saved::Existing(format!("token:{JTI}"))));
        let listing = ready(store.list()).unwrap();
        assert_eq!(listing.records.len(), 1);
        assert_eq!(listing.records[0].1.name, "first");
    }

    #[test]
    fn two_tokens_sharing_an_id_both_survive() {
        let store = MemoryStore::default();
        let first = record(JTI, "first", 1.0);
        let mut second = record("other", "second", 2.0);
        second.claims.jti = first.claims.jti.clone();

        ready(save(&store, &first)).unwrap();
        let saved = ready(save(&store, &second));

        assert_eq!(saved, Ok(Saved::New(format!("token:{JTI}~1"))));
        assert_eq!(ready(store.list()).unwrap().records.len(), 2);
    }

    #[test]
    fn an_unreadable_entry_under_the_key_is_kept_and_the_token_saved_beside_it() {
        let store = MemoryStore::default();
        store.plant_unreadable(&format!("token:{JTI}"));

        let saved = ready(save(&store, &record(JTI, "CI", 1.0)));

        assert_eq!(saved, Ok(Saved::New(format!("token:{JTI}~1"))));
        let listing = ready(store.list()).unwrap();
        assert_eq!((listing.records.len(), listing.unreadable), (1, 1));
    }

    fn no_pause(_ms: u32) -> std::future::Ready<()> {
        std::future::ready(())
    }

    #[test]
    fn a_transient_failure_is_retried_until_the_write_reads_back() {
        let store = MemoryStore::default();
        store.fail_writes([
            StoreError::Rejected("IO error".into()),
            StoreError::Rejected("busy".into()),
        ]);

        let saved = ready(save_retrying(&store, &record(JTI, "CI", 1.0), no_pause));

        assert_eq!(saved, Ok(Saved::New(format!("token:{JTI}"))));
    }

    #[test]
    fn a_lasting_failure_is_reported_after_the_last_retry() {
        let store = MemoryStore::default();
        store.fail_writes(vec![
            StoreError::Rejected("IO error".into());
            RETRY_PAUSES_MS.len() + 1
        ]);

        let saved = ready(save_retrying(&store, &record(JTI, "CI", 1.0), no_pause));

        assert_eq!(saved, Err(StoreError::Rejected("IO error".into())));
        assert!(ready(store.list()).unwrap().records.is_empty());
    }

    #[test]
    fn a_full_store_or_dead_context_is_not_retried() {
        for error in [StoreError::Full, StoreError::ContextInvalidated] {
            let store = MemoryStore::default();
            store.fail_writes([error.clone()]);

            let saved = ready(save_retrying(&store, &record(JTI, "CI", 1.0), no_pause));

            assert_eq!(saved, Err(error));
        }
    }

    #[test]
    fn lists_newest_first() {
        let records = vec![
            ("token:a".into(), record("a", "old", 1.0)),
            ("token:b".into(), record("b", "new", 3.0)),
            ("token:c".into(), record("c", "mid", 2.0)),
        ];

        let names: Vec<String> = newest_first(records)
            .into_iter()
            .map(|(_, r)| r.name)
            .collect();

        assert_eq!(names, ["new", "mid", "old"]);
    }
}
