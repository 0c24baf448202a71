//! A JWT that is not Passport's: HS256, as an application's own auth library issues it.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::random;

/// One hour, a common lifetime for such tokens.
const LIFETIME_SECS: u64 = 3600;

/// An HMAC-SHA256 digest is 32 bytes, 43 base64url characters; nothing verifies it, so random
/// bytes stand in.
const SIGNATURE_BYTES: usize = 32;

/// A token for user `sub` as of `now`; unlike Passport's it has no `jti`.
pub fn mint(sub: &str, now: SystemTime) -> String {
    let iat = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let payload = format!(
        r#"{{"sub":"{sub}","iat":{iat},"exp":{}}}"#,
        iat + LIFETIME_SECS
    );
    let signature = random::bytes(SIGNATURE_BYTES);
    [header.as_bytes(), payload.as_bytes(), &signature]
        .map(|part| URL_SAFE_NO_PAD.encode(part))
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_an_hs256_header_no_jti_and_a_43_character_signature() {
        let jwt = mint("7", SystemTime::now());

        let parts: Vec<&str> = jwt.split('.').collect();
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(header["alg"], "HS256");
        assert_eq!(payload["sub"], "7");
        assert!(payload.get("jti").is_none(), "{payload}");
        assert_eq!(parts[2].len(), 43);
    }
}
