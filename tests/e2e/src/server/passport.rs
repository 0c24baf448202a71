//! Personal access tokens shaped like those Laravel Passport issues: RS256 JWTs with its claims.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::random;

/// The user id the replica's tokens are issued to.
pub const SUBJECT: &str = "7";

/// Passport's default lifetime for personal access tokens: one year.
const LIFETIME_SECS: u64 = 31_536_000;

/// Bytes of an RS256 signature with the 4096-bit key `passport:keys` makes by default; this is
/// what brings real tokens to about 1,070-1,100 characters (a 2048-bit key would give ~760).
/// Nothing verifies the signature, so random bytes of the right length stand in for one.
const SIGNATURE_BYTES: usize = 512;

/// A freshly issued token and the id Passport stores it under.
pub struct Minted {
    /// 80 lowercase hex digits; also the JWT's `jti`.
    pub id: String,
    /// The compact JWT the page shows once.
    pub jwt: String,
}

/// Issues a token as of `now`.
pub fn mint(now: SystemTime) -> Minted {
    let id = random::hex(40);
    let header = format!(r#"{{"typ":"JWT","alg":"RS256","jti":"{id}"}}"#);
    let payload = claims(&id, now);
    let signature = random::bytes(SIGNATURE_BYTES);
    let jwt = [header.as_bytes(), payload.as_bytes(), &signature]
        .map(|part| URL_SAFE_NO_PAD.encode(part))
        .join(".");
    Minted { id, jwt }
}

/// The payload as Passport writes it, times as seconds with a microsecond fraction.
fn claims(id: &str, now: SystemTime) -> String {
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let (secs, micros) = (since_epoch.as_secs(), since_epoch.subsec_micros());
    let iat = format!("{secs}.{micros:06}");
    let exp = format!("{}.{micros:06}", secs + LIFETIME_SECS);
    format!(
        r#"{{"aud":"1","jti":"{id}","iat":{iat},"nbf":{iat},"exp":{exp},"sub":"{SUBJECT}","scopes":[]}}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn decode(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn token_carries_passports_header_and_claims() {
        let now = UNIX_EPOCH + Duration::from_micros(1_764_770_000_123_456);

        let minted = mint(now);

        let parts: Vec<&str> = minted.jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = decode(parts[0]);
        let payload = decode(parts[1]);
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["jti"], minted.id.as_str());
        assert_eq!(payload["jti"], minted.id.as_str());
        assert_eq!(payload["sub"], SUBJECT);
        assert_eq!(payload["iat"].as_f64(), Some(1_764_770_000.123_456));
        assert_eq!(payload["exp"].as_f64(), Some(1_796_306_000.123_456));
        assert_eq!(parts[2].len(), 683);
    }
}
