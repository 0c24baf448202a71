//! Strings the decoy page holds that the extension must never save: secrets that are not a new
//! token, tokens in places no person reads, and tokens cut short or masked.
//!
//! Made fresh at server start and put into HTML pages through `{{decoy:<key>}}` placeholders.

use std::time::SystemTime;

use super::{hs256, passport, sanctum};
use crate::random;

/// How much of a token a masked display keeps before its bullets.
const MASKED_KEEP: usize = 20;
/// How much of a token a truncated display keeps before its ellipsis.
const TRUNCATED_KEEP: usize = 100;

/// One string on the decoy page.
#[derive(Clone, Debug)]
pub struct Decoy {
    /// Where the page holds it, for failure messages.
    pub label: &'static str,
    /// The placeholder key: `{{decoy:<key>}}` in a fixture.
    key: &'static str,
    /// What the page holds.
    pub value: String,
    /// What must not turn up anywhere in the extension's storage.
    pub probe: String,
    /// Whether a person sees it on the page (as text, not in a field or attribute).
    pub visible: bool,
}

/// Every decoy the pages show, and a Passport token for a test to type into a field.
#[derive(Clone, Debug)]
pub struct Decoys {
    pub on_page: Vec<Decoy>,
    pub typed: String,
}

impl Decoys {
    /// A fresh set as of `now`.
    pub fn new(now: SystemTime) -> Decoys {
        let jwt = || passport::mint(now).jwt;
        let masked = format!("{}••••••", &jwt()[..MASKED_KEEP]);
        let truncated = jwt()[..TRUNCATED_KEEP].to_owned();
        let on_page = vec![
            unseen("a Passport JWT in a <script>", "passport_script", jwt()),
            unseen(
                "a Passport JWT in a <script type=application/json>",
                "passport_json",
                jwt(),
            ),
            unseen(
                "a Passport JWT only in attributes (data-token, title, href)",
                "passport_attribute",
                jwt(),
            ),
            unseen(
                "a Passport JWT in a hidden element",
                "passport_hidden",
                jwt(),
            ),
            unseen(
                "a Passport JWT as a password field's value",
                "passport_password",
                jwt(),
            ),
            unseen(
                "a Sanctum token in attributes, a hidden input and JSON",
                "sanctum_hidden",
                sanctum::plain_text_token(12, ""),
            ),
            shown(
                "an HS256 JWT in documentation text at page load",
                "hs256_docs",
                hs256::mint(passport::SUBJECT, now),
            ),
            shown("a masked token", "masked", masked),
            Decoy {
                value: format!("{truncated}…"),
                ..shown("a truncated token", "truncated", truncated)
            },
            shown("an OAuth client id", "client_id_1", uuid()),
            shown("an OAuth client id", "client_id_2", uuid()),
            shown(
                "an OAuth client secret",
                "client_secret_1",
                random::alphanumeric(40),
            ),
            shown(
                "an OAuth client secret",
                "client_secret_2",
                random::alphanumeric(40),
            ),
        ];
        Decoys {
            on_page,
            typed: jwt(),
        }
    }

    /// `page` with every `{{decoy:<key>}}` replaced by its decoy.
    pub fn fill(&self, page: &str) -> String {
        let mut page = page.to_owned();
        for decoy in &self.on_page {
            page = page.replace(&format!("{{{{decoy:{}}}}}", decoy.key), &decoy.value);
        }
        page
    }
}

/// A decoy the page keeps out of sight.
fn unseen(label: &'static str, key: &'static str, value: String) -> Decoy {
    Decoy {
        label,
        key,
        probe: value.clone(),
        value,
        visible: false,
    }
}

/// A decoy the page shows as text.
fn shown(label: &'static str, key: &'static str, value: String) -> Decoy {
    Decoy {
        visible: true,
        ..unseen(label, key, value)
    }
}

/// A random version-4-shaped UUID, as newer Passport versions use for client ids.
fn uuid() -> String {
    let hex = random::hex(16);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_and_probes_a_truncated_token_by_what_is_left() {
        let decoys = Decoys::new(SystemTime::now());

        let page = decoys.fill("<code>{{decoy:truncated}}</code> {{decoy:masked}}");

        let truncated = decoys
            .on_page
            .iter()
            .find(|d| d.key == "truncated")
            .unwrap();
        assert_eq!(truncated.probe.len(), TRUNCATED_KEEP);
        assert!(page.contains(&format!("<code>{}…</code>", truncated.probe)));
        assert!(page.contains("••••••"), "{page}");
        assert!(!page.contains("{{"), "{page}");
    }
}
