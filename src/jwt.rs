//! Recognising Laravel Passport access tokens in text and reading their claims.
//!
//! Pure logic, no browser: the content script, the background relay and the native tests all
//! call [`find`].

use crate::base64url;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Shortest run worth decoding. A Passport token is about 1,070 characters; nothing with an RSA
/// signature comes near this floor, which keeps short words and IDs off the decoding path.
pub const MIN_TOKEN_LEN: usize = 200;

/// An RS256 signature is exactly as long as the key's modulus. Passport generates 4096-bit keys
/// (512 bytes, 683 characters); the other sizes are what people configure by hand. A truncated
/// token fails this check even when what is left still decodes.
const RSA_SIGNATURE_BYTES: [usize; 4] = [128, 256, 384, 512];

/// What kind of secret a saved token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A Laravel Passport Personal Access Token (RS256 JWT).
    Passport,
}

/// The claims we keep beside a token so the popup can show them without decoding again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub jti: Option<String>,
    pub sub: Option<String>,
    pub aud: Vec<String>,
    pub scopes: Vec<String>,
    /// Seconds since the epoch, like the token itself.
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub exp: Option<i64>,
}

/// A token found in a piece of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub token: String,
    pub kind: TokenKind,
    pub claims: Claims,
}

/// Every Passport token in `text`, in order of appearance, each once.
///
/// Runs in time linear in `text.len()`: each character is looked at by the run splitter once,
/// and only runs long enough to be a token are decoded.
pub fn find(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for run in runs(text) {
        for candidate in candidates(run) {
            if let Some(hit) = recognise(candidate) {
                if !found.iter().any(|f| f.token == hit.token) {
                    found.push(hit);
                }
            }
        }
    }
    found
}

/// Whether `text`, trimmed, is one Passport token and nothing else.
pub fn is_token(text: &str) -> bool {
    recognise(text.trim()).is_some()
}

/// Maximal runs of base64url characters and dots that are long enough to hold a token.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .filter(|run| run.len() >= MIN_TOKEN_LEN)
}

/// The three-segment windows of a run that could be a JWT.
///
/// A token at the end of a sentence brings its full stop into the run, and a token pasted next to
/// a dotted word brings that word; so a run with more than two dots is tried at every segment
/// that starts like a JSON object (`eyJ` is base64 for `{"`).
fn candidates(run: &str) -> impl Iterator<Item = &str> {
    let run = run.trim_matches('.');
    let starts = std::iter::once(0).chain(run.match_indices('.').map(|(i, _)| i + 1));
    starts
        .filter(move |&start| run[start..].starts_with("eyJ"))
        .filter_map(move |start| {
            let rest = &run[start..];
            let first = rest.find('.')?;
            let second = first + 1 + rest[first + 1..].find('.')?;
            let end = rest[second + 1..]
                .find('.')
                .map_or(rest.len(), |i| second + 1 + i);
            Some(&rest[..end])
        })
}

/// Decides whether `candidate` (exactly three dot-separated segments) is a Passport token.
fn recognise(candidate: &str) -> Option<Found> {
    let mut parts = candidate.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    if !RSA_SIGNATURE_BYTES.contains(&base64url::decode(signature)?.len()) {
        return None;
    }
    let header = json_object(header)?;
    let payload = json_object(payload)?;
    let typ = header.get("typ").and_then(Value::as_str)?;
    let alg = header.get("alg").and_then(Value::as_str)?;
    if !typ.eq_ignore_ascii_case("JWT") || alg != "RS256" {
        return None;
    }
    let claims = claims(&payload);
    // Passport always issues both; a JWT without them is someone else's.
    claims.jti.as_ref()?;
    claims.exp?;
    Some(Found {
        token: candidate.to_owned(),
        kind: TokenKind::Passport,
        claims,
    })
}

fn json_object(segment: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&base64url::decode(segment)?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn claims(payload: &Map<String, Value>) -> Claims {
    Claims {
        jti: payload.get("jti").and_then(text),
        sub: payload.get("sub").and_then(text),
        aud: strings(payload.get("aud")),
        scopes: strings(payload.get("scopes")),
        iat: payload.get("iat").and_then(seconds),
        nbf: payload.get("nbf").and_then(seconds),
        exp: payload.get("exp").and_then(seconds),
    }
}

/// A string claim; numbers are accepted because some issuers write `sub` as one.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A claim that may be one string or a list of them (`aud` is either, by RFC 7519).
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(other) => text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A time claim. Passport (lcobucci/jwt 4) writes microsecond fractions such as
/// `1764770000.123456`; we keep whole seconds.
fn seconds(value: &Value) -> Option<i64> {
    let seconds = value.as_f64()?;
    (seconds.is_finite() && seconds.abs() < 1e15).then_some(seconds.floor() as i64)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    /// A token shaped like the ones Passport issues, with a fake signature.
    pub(crate) fn passport_token(jti: &str) -> String {
        let header = format!(r#"{{"typ":"JWT","alg":"RS256","jti":"{jti}"}}"#);
        let payload = format!(
            r#"{{"aud":"1","jti":"{jti}","iat":1764770000.123456,"nbf":1764770000.123456,"exp":1796306000.123456,"sub":"7","scopes":["read-user"]}}"#
        );
        let signature: Vec<u8> = (0..512).map(|i| (i * 7 % 256) as u8).collect();
        format!(
            "{}.{}.{}",
            b64(header.as_bytes()),
            b64(payload.as_bytes()),
            b64(&signature)
        )
    }

    pub(crate) const JTI: &str =
        "4f1c3e8a9b2d7f6e5a4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c";

    #[test]
    fn finds_a_passport_token_and_decodes_its_claims() {
        let token = passport_token(JTI);

        let found = find(&format!("Ihr neues Token:\n{token}\n"));

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].token, token);
        assert_eq!(found[0].kind, TokenKind::Passport);
        let claims = &found[0].claims;
        assert_eq!(claims.jti.as_deref(), Some(JTI));
        assert_eq!(claims.sub.as_deref(), Some("7"));
        assert_eq!(claims.aud, ["1"]);
        assert_eq!(claims.scopes, ["read-user"]);
        assert_eq!(
            (claims.iat, claims.nbf, claims.exp),
            (Some(1764770000), Some(1764770000), Some(1796306000))
        );
    }

    #[test]
    fn a_token_is_about_as_long_as_passport_issues_them() {
        let len = passport_token(JTI).len();

        assert!(
            (1000..1150).contains(&len),
            "fixture token is {len} characters"
        );
    }

    #[test]
    fn finds_a_token_ending_a_sentence_or_glued_to_a_dotted_word() {
        let token = passport_token(JTI);

        assert_eq!(find(&format!("Token: {token}.")).len(), 1);
        assert_eq!(find(&format!("v1.2.{token}"))[0].token, token);
    }

    #[test]
    fn reports_a_token_shown_twice_once() {
        let token = passport_token(JTI);

        assert_eq!(find(&format!("{token} {token}")).len(), 1);
    }

    #[test]
    fn ignores_csrf_tokens_ids_and_prose() {
        let csrf = "wXv0b6S3l4b0r5c9Yq2Zx8Jk1Mn7Pq4Rs6Tu9Vw3";
        let id = JTI.repeat(3);

        assert!(find(&format!("{csrf} {id} Token erstellen. Erstellen")).is_empty());
    }

    #[test]
    fn ignores_jwts_that_are_not_passport_tokens() {
        let token = passport_token(JTI);
        let parts: Vec<&str> = token.split('.').collect();
        let hs256 = format!(
            "{}.{}.{}",
            b64(br#"{"typ":"JWT","alg":"HS256"}"#),
            parts[1],
            parts[2]
        );
        let no_jti = format!(
            "{}.{}.{}",
            parts[0],
            b64(br#"{"exp":1,"sub":"1"}"#),
            parts[2]
        );
        let short_signature = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]);

        assert!(find(&hs256).is_empty());
        assert!(find(&no_jti).is_empty());
        assert!(find(&short_signature).is_empty());
    }

    #[test]
    fn ignores_a_masked_or_truncated_token() {
        let token = passport_token(JTI);

        assert!(find(&token[..token.len() - 20]).is_empty());
        assert!(find(&format!("{}••••••", &token[..600])).is_empty());
    }

    #[test]
    fn is_token_accepts_only_a_whole_token() {
        let token = passport_token(JTI);

        assert!(is_token(&format!("  {token}\n")));
        assert!(!is_token(&format!("name {token}")));
        assert!(!is_token("CI Deploy"));
    }
}
