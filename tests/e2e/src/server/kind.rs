//! The kinds of token the replica can issue, chosen per request, and issuing one.

use std::time::SystemTime;

use super::{hs256, passport, sanctum};

/// Which kind of secret the create endpoint hands out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenKind {
    /// Laravel Passport's personal access token, an RS256 JWT with a `jti`.
    #[default]
    Passport,
    /// Laravel Sanctum's `<id>|<secret><crc32b>` plain-text token.
    Sanctum,
    /// Some other JWT: HS256, no `jti`.
    Hs256,
}

impl TokenKind {
    /// The value of the `token_kind` query parameter that asks for this kind.
    pub fn param(self) -> &'static str {
        match self {
            TokenKind::Passport => "passport",
            TokenKind::Sanctum => "sanctum",
            TokenKind::Hs256 => "hs256",
        }
    }

    /// The kind named by a `token_kind` query value; Passport when there is none.
    pub fn from_param(param: Option<&str>) -> Option<TokenKind> {
        let all = [TokenKind::Passport, TokenKind::Sanctum, TokenKind::Hs256];
        match param {
            None => Some(TokenKind::Passport),
            Some(param) => all.into_iter().find(|kind| kind.param() == param),
        }
    }

    /// The `kind` the extension's record must carry for a token of this kind.
    pub fn saved_as(self) -> &'static str {
        match self {
            TokenKind::Passport => "passport",
            TokenKind::Sanctum => "sanctum",
            TokenKind::Hs256 => "jwt",
        }
    }
}

/// A token and the id the issuer's database knows it by.
pub struct Minted {
    pub id: String,
    pub token: String,
}

/// Issues a token of `kind`; `row` is the database id Sanctum puts in front of its tokens.
pub fn mint(kind: TokenKind, row: u64, sanctum_prefix: &str, now: SystemTime) -> Minted {
    match kind {
        TokenKind::Passport => {
            let minted = passport::mint(now);
            Minted {
                id: minted.id,
                token: minted.jwt,
            }
        }
        TokenKind::Sanctum => Minted {
            id: row.to_string(),
            token: sanctum::plain_text_token(row, sanctum_prefix),
        },
        TokenKind::Hs256 => Minted {
            id: row.to_string(),
            token: hs256::mint(passport::SUBJECT, now),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_name_kinds_and_unknown_ones_are_refused() {
        assert_eq!(TokenKind::from_param(None), Some(TokenKind::Passport));
        assert_eq!(
            TokenKind::from_param(Some("sanctum")),
            Some(TokenKind::Sanctum)
        );
        assert_eq!(TokenKind::from_param(Some("hs256")), Some(TokenKind::Hs256));
        assert_eq!(TokenKind::from_param(Some("rsa")), None);
    }
}
