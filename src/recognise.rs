//! Deciding what in a piece of text is a token, of which kind, and why.
//!
//! Passport tokens and checksummed Sanctum tokens prove themselves and are taken wherever the
//! page shows them. Other JWTs and unchecksummed Sanctum-shaped strings are taken only when the
//! page shows them as the new secret right after a token was created.

use crate::jwt::{self, Claims};
use crate::sanctum::{self, Evidence};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What kind of secret a saved token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A Laravel Passport Personal Access Token (RS256 JWT).
    Passport,
    /// A Laravel Sanctum token, `<id>|<secret>`.
    Sanctum,
    /// Some other JWT, shown as the new secret.
    Jwt,
}

/// Why a candidate was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Typ JWT, RS256, an RSA-sized signature, `jti` and `exp`: Passport's exact shape.
    PassportShape,
    /// Sanctum's trailing CRC32 matches its random part.
    SanctumChecksum,
    /// `<id>|<40 random characters>`, shown right after a token was created.
    SanctumShapeAsNewSecret,
    /// A well-formed signed JWT, shown right after a token was created.
    JwtAsNewSecret,
}

/// Where the text was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Anywhere on the page.
    Page,
    /// Content that appeared right after the person created a token.
    NewSecret,
}

/// A token found in a piece of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub token: String,
    pub kind: TokenKind,
    pub reason: Reason,
    pub claims: Claims,
}

/// Every token in `text` that `context` allows, each once, JWTs before Sanctum tokens.
/// Linear in `text.len()`.
pub fn find(text: &str, context: Context) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut seen = HashSet::new();
    let jwts = jwt::candidates(text).filter_map(|candidate| {
        let parsed = jwt::parse(candidate)?;
        let (kind, reason) = match (parsed.passport, context) {
            (true, _) => (TokenKind::Passport, Reason::PassportShape),
            (false, Context::NewSecret) => (TokenKind::Jwt, Reason::JwtAsNewSecret),
            (false, Context::Page) => return None,
        };
        Some(Found {
            token: candidate.to_owned(),
            kind,
            reason,
            claims: parsed.claims,
        })
    });
    let sanctums = sanctum::find(text)
        .into_iter()
        .filter_map(|(token, evidence)| {
            let reason = match (evidence, context) {
                (Evidence::Checksum, _) => Reason::SanctumChecksum,
                (Evidence::Shape, Context::NewSecret) => Reason::SanctumShapeAsNewSecret,
                (Evidence::Shape, Context::Page) => return None,
            };
            let kind = TokenKind::Sanctum;
            Some(Found {
                token: token.to_owned(),
                kind,
                reason,
                claims: Claims::default(),
            })
        });
    for hit in jwts.chain(sanctums) {
        if seen.insert(hit.token.clone()) {
            found.push(hit);
        }
    }
    found
}

/// Whether `text`, trimmed, is one token of any kind and nothing else: such a value is a secret,
/// never a token's name.
pub fn is_token(text: &str) -> bool {
    let text = text.trim();
    find(text, Context::NewSecret)
        .first()
        .is_some_and(|f| f.token == text)
}

/// Whether `text` can hold any token at all; cheaper than [`find`] for the many short strings a
/// page is made of.
pub fn worth_scanning(len: usize) -> bool {
    len >= SHORTEST_TOKEN
}

/// The shortest token of any kind: `1|` and Sanctum's 40 random characters.
const SHORTEST_TOKEN: usize = 42;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::jwt::tests::{hs256_token, passport_token, JTI};
    use crate::sanctum::tests::{sanctum_token, RANDOM};

    #[test]
    fn finds_a_passport_token_anywhere_with_its_claims() {
        let token = passport_token(JTI);

        let found = find(&format!("Ihr neues Token:\n{token}\n"), Context::Page);

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].token, token);
        assert_eq!(
            (found[0].kind, found[0].reason),
            (TokenKind::Passport, Reason::PassportShape)
        );
        assert_eq!(found[0].claims.jti.as_deref(), Some(JTI));
    }

    #[test]
    fn finds_a_checksummed_sanctum_token_anywhere() {
        let token = sanctum_token(12, "itl_");

        let found = find(&format!("Token: {token}"), Context::Page);

        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind, found[0].reason),
            (TokenKind::Sanctum, Reason::SanctumChecksum)
        );
    }

    #[test]
    fn other_jwts_and_sanctum_shapes_count_only_as_the_new_secret() {
        let text = format!("{} 9|{RANDOM}", hs256_token());

        let on_page = find(&text, Context::Page);
        let as_new_secret = find(&text, Context::NewSecret);

        assert!(on_page.is_empty());
        let reasons: Vec<Reason> = as_new_secret.iter().map(|f| f.reason).collect();
        assert_eq!(
            reasons,
            [Reason::JwtAsNewSecret, Reason::SanctumShapeAsNewSecret]
        );
    }

    #[test]
    fn reports_a_token_shown_twice_once() {
        let token = passport_token(JTI);

        assert_eq!(find(&format!("{token} {token}"), Context::Page).len(), 1);
    }

    #[test]
    fn ignores_csrf_tokens_ids_client_secrets_and_prose() {
        let csrf = "wXv0b6S3l4b0r5c9Yq2Zx8Jk1Mn7Pq4Rs6Tu9Vw3";
        let ids = JTI.repeat(3);
        let client = format!("Client 3 {RANDOM} 9b2d7f6e-5a4c-4b2a-9f0e-9d8c7b6a5f4e");

        let text = format!("{csrf} {ids} {client} Token erstellen. Erstellen");

        assert!(find(&text, Context::NewSecret).is_empty());
    }

    #[test]
    fn ignores_a_masked_or_truncated_token() {
        let token = passport_token(JTI);

        assert!(find(&token[..token.len() - 20], Context::Page).is_empty());
        assert!(find(&format!("{}••••••", &token[..600]), Context::Page).is_empty());
        assert!(find(&format!("{}…", &token[..100]), Context::NewSecret).is_empty());
    }

    #[test]
    fn is_token_accepts_only_a_whole_token() {
        let token = passport_token(JTI);

        assert!(is_token(&format!("  {token}\n")));
        assert!(is_token(&sanctum_token(3, "")));
        assert!(!is_token(&format!("name {token}")));
        assert!(!is_token("CI Deploy"));
    }
}
