//! Property tests of the recogniser: it never panics, never takes random strings for tokens, and
//! reads back exactly the claims a generated Passport token carries. `PROPTEST_CASES` bounds the
//! run (256 cases per property by default).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use token_saver::base64url;
use token_saver::recognise::{find, Context, TokenKind};

fn b64(bytes: &[u8]) -> String {
    base64url::encode(bytes)
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in any::<String>()) {
        find(&text, Context::NewSecret);
    }

    #[test]
    fn never_panics_on_token_alphabet_soup(text in "[A-Za-z0-9_.|eyJ-]{0,3000}") {
        find(&text, Context::NewSecret);
    }

    #[test]
    fn random_base64url_with_dots_is_no_token(
        parts in proptest::collection::vec("[A-Za-z0-9_-]{20,800}", 3..6),
    ) {
        prop_assert!(find(&parts.join("."), Context::NewSecret).is_empty());
    }

    #[test]
    fn random_hex_and_prose_are_no_tokens(
        hex in "[0-9a-f]{40,400}",
        prose in "[A-Za-z0-9 .,;:!?()-]{0,2000}",
        id in 0u32..100_000,
    ) {
        let text = format!("{prose} {id}|{hex} {hex}");
        prop_assert!(find(&text, Context::NewSecret).is_empty());
    }

    #[test]
    fn decodes_exactly_the_claims_of_a_generated_passport_token(
        jti in "[0-9a-f]{80}",
        sub in 1u64..10_000_000,
        aud in "[0-9a-f-]{1,36}",
        scopes in proptest::collection::vec("[a-z-]{1,12}", 0..4),
        iat in 1_000_000_000u32..2_000_000_000,
        fraction in 0u32..1_000_000,
        signature in proptest::collection::vec(any::<u8>(), 512),
    ) {
        let header = format!(r#"{{"typ":"JWT","alg":"RS256","jti":"{jti}"}}"#);
        let exp = u64::from(iat) + 31_536_000;
        let payload = serde_json::json!({
            "aud": aud, "jti": jti, "sub": sub.to_string(), "scopes": scopes,
            "iat": format!("{iat}.{fraction:06}").parse::<f64>().unwrap(),
            "nbf": iat, "exp": exp,
        });
        let token = format!("{}.{}.{}", b64(header.as_bytes()), b64(payload.to_string().as_bytes()), b64(&signature));

        let found = find(&format!("Token: {token}"), Context::Page);

        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(&found[0].token, &token);
        prop_assert_eq!(found[0].kind, TokenKind::Passport);
        let claims = &found[0].claims;
        prop_assert_eq!(claims.jti.as_deref(), Some(jti.as_str()));
        prop_assert_eq!(claims.sub.clone(), Some(sub.to_string()));
        prop_assert_eq!(&claims.aud, &vec![aud]);
        prop_assert_eq!(&claims.scopes, &scopes);
        prop_assert_eq!(claims.iat, Some(i64::from(iat)));
        prop_assert_eq!(claims.exp, Some(exp as i64));
    }
}
