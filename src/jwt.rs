//! Reading JSON Web Tokens out of text: where one can start and end, and what its segments say.
//!
//! Pure logic; `recognise` decides which of them count as tokens.

use crate::base64url;
use serde_json::{Map, Value};

/// Shortest run worth decoding as a JWT. Passport tokens are about 1,070 characters and even a
/// small HS256 JWT is over 100; the floor keeps words and IDs off the decoding path.
pub const MIN_JWT_LEN: usize = 100;

/// An RS256 signature is exactly as long as the key's modulus. Passport generates 4096-bit keys
/// (512 bytes, 683 characters); the other sizes are what people configure by hand. A truncated
/// token fails this check even when what is left still decodes.
const RSA_SIGNATURE_BYTES: [usize; 4] = [128, 256, 384, 512];

/// The claims the popup shows and the storage key is made from.
#[derive(Clone, Debug, Default, PartialEq)]
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

/// A well-formed JWT.
#[derive(Clone, Debug, PartialEq)]
pub struct Jwt {
    pub claims: Claims,
    /// Shaped exactly like the tokens Laravel Passport issues: typ JWT, RS256 with an RSA-sized
    /// signature, and both `jti` and `exp`.
    pub passport: bool,
}

/// The substrings of `text` that could be JWTs: three dot-separated base64url segments, the first
/// starting like a JSON object.
///
/// Linear in `text.len()`: the run splitter looks at each character once, and each run yields at
/// most one window per segment.
pub fn candidates(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .filter(|run| run.len() >= MIN_JWT_LEN)
        .flat_map(windows)
}

/// The three-segment windows of a run. A token at the end of a sentence brings its full stop into
/// the run, and one pasted next to a dotted word brings that word; so every segment that starts
/// like a JSON object (`eyJ` is base64 for `{"`) is tried as a header.
fn windows(run: &str) -> impl Iterator<Item = &str> {
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

/// Parses `candidate` (exactly three segments) as a signed JWT; `None` for anything else.
pub fn parse(candidate: &str) -> Option<Jwt> {
    let mut parts = candidate.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || signature.is_empty() {
        return None;
    }
    let signature = base64url::decode(signature)?;
    let header = json_object(header)?;
    let payload = json_object(payload)?;
    let alg = header.get("alg").and_then(Value::as_str)?;
    let typ = header.get("typ").map(|t| t.as_str().unwrap_or_default());
    if alg.eq_ignore_ascii_case("none") || typ.is_some_and(|t| !t.eq_ignore_ascii_case("JWT")) {
        return None;
    }
    let claims = claims(&payload);
    let passport = typ.is_some()
        && alg == "RS256"
        && RSA_SIGNATURE_BYTES.contains(&signature.len())
        && claims.jti.is_some()
        && claims.exp.is_some();
    Some(Jwt { claims, passport })
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

    pub(crate) fn b64(bytes: &[u8]) -> String {
        base64url::encode(bytes)
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

    /// An HS256 JWT as other software issues them: no `jti`, a 32-byte signature.
    pub(crate) fn hs256_token() -> String {
        let header = br#"{"alg":"HS256","typ":"JWT"}"#;
        let payload = br#"{"sub":"7","iat":1764770000,"exp":1764773600}"#;
        format!("{}.{}.{}", b64(header), b64(payload), b64(&[7u8; 32]))
    }

    pub(crate) const JTI: &str =
        "4f1c3e8a9b2d7f6e5a4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c";

    #[test]
    fn parses_a_passport_token_and_its_claims() {
        let jwt = parse(&passport_token(JTI)).unwrap();

        assert!(jwt.passport);
        let claims = &jwt.claims;
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
    fn a_passport_token_is_about_as_long_as_passport_issues_them() {
        let len = passport_token(JTI).len();

        assert!(
            (1000..1150).contains(&len),
            "fixture token is {len} characters"
        );
    }

    #[test]
    fn other_jwts_parse_but_are_not_passport_tokens() {
        let token = passport_token(JTI);
        let parts: Vec<&str> = token.split('.').collect();
        let no_jti = format!(
            "{}.{}.{}",
            parts[0],
            b64(br#"{"exp":1,"sub":"1"}"#),
            parts[2]
        );
        let short_signature = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]);

        assert!(!parse(&hs256_token()).unwrap().passport);
        assert!(!parse(&no_jti).unwrap().passport);
        assert!(!parse(&short_signature).unwrap().passport);
    }

    #[test]
    fn rejects_unsigned_and_non_json_tokens() {
        let unsigned = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(br#"{"sub":"1"}"#));
        let alg_none = format!(
            "{}.{}.{}",
            b64(br#"{"alg":"none"}"#),
            b64(br#"{"sub":"1"}"#),
            b64(b"x")
        );
        let not_json = format!(
            "{}.{}.{}",
            b64(b"{\"alg"),
            b64(br#"{"sub":"1"}"#),
            b64(b"sig")
        );

        assert_eq!(parse(&unsigned), None);
        assert_eq!(parse(&alg_none), None);
        assert_eq!(parse(&not_json), None);
    }

    #[test]
    fn windows_find_a_token_ending_a_sentence_or_glued_to_a_dotted_word() {
        let token = passport_token(JTI);

        assert_eq!(
            candidates(&format!("Token: {token}.")).collect::<Vec<_>>(),
            [token.as_str()]
        );
        assert_eq!(
            candidates(&format!("v1.2.{token}")).collect::<Vec<_>>(),
            [token.as_str()]
        );
    }
}
