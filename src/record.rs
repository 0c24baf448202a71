//! The saved record of one token, its storage key, and which tenant a host belongs to.

use crate::jwt::{self, Claims};
use crate::recognise::{Found, TokenKind};
use serde::{Deserialize, Serialize};

/// Version of the record's shape, so a later release can recognise and migrate older records.
///
/// - 1: the first release. Also stored the token's decoded claims, which a backup file could
///   make disagree with the token itself (a false expiry date in the popup).
/// - 2: claims are no longer stored; every read decodes them from the token.
///
/// Reading upgrades in memory and leaves the stored entry as it is: an entry is only ever
/// written by a save, so an upgrade can never lose one.
pub const SCHEMA_VERSION: u32 = 2;

/// Every token lives under its own key with this prefix; other keys belong to other features.
pub const KEY_PREFIX: &str = "token:";

/// Longest name we keep. intratool limits names on its side; this only bounds what a page can
/// make us store.
const MAX_NAME_CHARS: usize = 200;

const TENANT_DOMAIN: &str = ".intratool.de";

/// One saved token with everything the popup shows about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Stored")]
pub struct TokenRecord {
    pub v: u32,
    pub kind: TokenKind,
    pub token: String,
    /// The name typed when "Erstellen" was clicked; empty when none was seen.
    pub name: String,
    /// Where it was shown, e.g. `acme.intratool.de`.
    pub host: String,
    /// The tenant part of the host, e.g. `acme`.
    pub tenant: String,
    /// When the extension saw the token, in milliseconds since the epoch.
    pub captured_at: f64,
    /// Decoded from `token` whenever a record is made or read; never stored.
    #[serde(skip)]
    pub claims: Claims,
}

/// A record as any version so far stored it. Fields a version no longer writes (v1's `claims`)
/// are ignored, so one shape reads them all.
#[derive(Deserialize)]
struct Stored {
    v: u32,
    kind: TokenKind,
    token: String,
    name: String,
    host: String,
    tenant: String,
    captured_at: f64,
}

impl TryFrom<Stored> for TokenRecord {
    type Error = String;

    /// Upgrades a stored record to the current shape. A record from a newer version may mean
    /// something else in fields we know, so it is refused rather than guessed at.
    fn try_from(stored: Stored) -> Result<Self, String> {
        if stored.v > SCHEMA_VERSION {
            return Err(format!(
                "written by a newer version of the extension (record format {})",
                stored.v
            ));
        }
        Ok(TokenRecord {
            v: SCHEMA_VERSION,
            claims: claims_of(&stored.token),
            kind: stored.kind,
            token: stored.token,
            name: stored.name,
            host: stored.host,
            tenant: stored.tenant,
            captured_at: stored.captured_at,
        })
    }
}

/// The claims of a JWT; none for a Sanctum token or anything that does not decode.
fn claims_of(token: &str) -> Claims {
    jwt::parse(token).map(|jwt| jwt.claims).unwrap_or_default()
}

impl TokenRecord {
    /// A record for a token found on `host` at `now`; `None` when the host is not a tenant.
    pub fn new(found: Found, name: Option<&str>, host: &str, now: f64) -> Option<Self> {
        Some(TokenRecord {
            v: SCHEMA_VERSION,
            kind: found.kind,
            tenant: tenant_of(host)?.to_owned(),
            host: host.to_ascii_lowercase(),
            name: name.map(clean_name).unwrap_or_default(),
            token: found.token,
            captured_at: now,
            claims: found.claims,
        })
    }

    /// The storage key: the same token always maps to the same key, so it is saved once, and
    /// different tokens never share one, so two tabs never overwrite each other.
    pub fn key(&self) -> String {
        match &self.claims.jti {
            Some(jti) if is_key_safe(jti) => format!("{KEY_PREFIX}{jti}"),
            _ => format!("{KEY_PREFIX}{:016x}", fnv1a(self.token.as_bytes())),
        }
    }
}

/// The tenant of an intratool host (`acme` for `acme.intratool.de`), or `None` for other hosts.
pub fn tenant_of(host: &str) -> Option<&str> {
    let tenant = host
        .len()
        .checked_sub(TENANT_DOMAIN.len())
        .and_then(|cut| {
            let (tenant, domain) = host.split_at_checked(cut)?;
            domain.eq_ignore_ascii_case(TENANT_DOMAIN).then_some(tenant)
        })?;
    let valid = !tenant.is_empty()
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    valid.then_some(tenant)
}

/// A name as we store it: one line, trimmed, bounded in length.
pub(crate) fn clean_name(name: &str) -> String {
    let one_line: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(MAX_NAME_CHARS).collect()
}

fn is_key_safe(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 64-bit FNV-1a: stable across builds and platforms, which `std`'s hasher does not promise.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::tests::{passport_token, JTI};
    use crate::recognise::{find, Context};

    fn record(name: Option<&str>, host: &str) -> Option<TokenRecord> {
        let found = find(&passport_token(JTI), Context::Page).remove(0);
        TokenRecord::new(found, name, host, 1.5e12)
    }

    #[test]
    fn keeps_name_tenant_time_and_claims() {
        let record = record(Some("  CI\n Deploy "), "Acme.intratool.de").unwrap();

        assert_eq!(record.name, "CI Deploy");
        assert_eq!(record.host, "acme.intratool.de");
        assert_eq!(record.tenant, "Acme");
        assert_eq!(record.captured_at, 1.5e12);
        assert_eq!(record.claims.jti.as_deref(), Some(JTI));
        assert_eq!(record.v, SCHEMA_VERSION);
    }

    /// A record exactly as the first release stored it, with claims that disagree with its
    /// token, as an edited backup file could make them.
    fn first_release_record(token: &str) -> serde_json::Value {
        serde_json::json!({
            "v": 1,
            "kind": "passport",
            "token": token,
            "name": "CI",
            "host": "acme.intratool.de",
            "tenant": "acme",
            "captured_at": 1.7e12,
            "claims": {
                "jti": "forged", "sub": "1", "aud": [], "scopes": [],
                "iat": null, "nbf": null, "exp": 4102444800_i64
            }
        })
    }

    #[test]
    fn reads_a_first_release_record_with_claims_from_its_token() {
        let token = passport_token(JTI);

        let record: TokenRecord = serde_json::from_value(first_release_record(&token)).unwrap();

        assert_eq!(record.v, SCHEMA_VERSION);
        assert_eq!(record.claims, jwt::parse(&token).unwrap().claims);
        assert_eq!(record.key(), format!("token:{JTI}"));
        assert_eq!(
            (record.name.as_str(), record.tenant.as_str()),
            ("CI", "acme")
        );
        assert_eq!(record.captured_at, 1.7e12);
    }

    #[test]
    fn refuses_a_record_from_a_newer_version() {
        let mut stored = first_release_record(&passport_token(JTI));
        stored["v"] = (SCHEMA_VERSION + 1).into();

        let error = serde_json::from_value::<TokenRecord>(stored).unwrap_err();

        assert!(error.to_string().contains("newer version"), "{error}");
    }

    #[test]
    fn stores_no_claims_and_reads_back_the_same_record() {
        let record = record(Some("CI"), "acme.intratool.de").unwrap();

        let stored = serde_json::to_value(&record).unwrap();

        assert_eq!(stored["v"], SCHEMA_VERSION);
        assert!(stored.get("claims").is_none(), "{stored}");
        assert_eq!(
            serde_json::from_value::<TokenRecord>(stored).unwrap(),
            record
        );
    }

    #[test]
    fn keys_by_jti_and_falls_back_to_a_hash_of_the_token() {
        let mut record = record(None, "acme.intratool.de").unwrap();
        assert_eq!(record.key(), format!("token:{JTI}"));

        record.claims.jti = Some("no spaces or slashes/".into());

        assert!(record.key().starts_with("token:"));
        assert_eq!(record.key().len(), "token:".len() + 16);
    }

    #[test]
    fn bounds_a_name_a_page_could_make_huge() {
        let long = "x".repeat(10_000);

        assert_eq!(
            record(Some(&long), "acme.intratool.de").unwrap().name.len(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn knows_tenants_only_on_intratool() {
        assert_eq!(tenant_of("acme.intratool.de"), Some("acme"));
        assert_eq!(tenant_of("a-b.intratool.de"), Some("a-b"));
        assert_eq!(tenant_of("intratool.de"), None);
        assert_eq!(tenant_of(".intratool.de"), None);
        assert_eq!(tenant_of("acme.intratool.de.evil.example"), None);
        assert_eq!(tenant_of("acmeintratool.de"), None);
        assert_eq!(record(None, "example.org"), None);
    }
}
