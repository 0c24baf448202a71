//! Recognising Laravel Sanctum tokens: `<id>|<prefix><40 random characters><crc32b>`.
//!
//! Sanctum (since 4.0) appends the CRC32 of the 40 random characters as 8 hex digits, and may put
//! a configured prefix before them. The checksum is what lets us accept such a token anywhere on
//! the page; the older form without it is only a shape, accepted only as the page's new secret.

/// Length of the random part Sanctum generates (`Str::random(40)`).
const RANDOM_LEN: usize = 40;
const CHECKSUM_LEN: usize = 8;
/// Longest prefix we accept in front of the random part; configured prefixes are short words.
const MAX_PREFIX_LEN: usize = 32;
/// Longest database id we accept before the `|`.
const MAX_ID_LEN: usize = 20;

/// How a Sanctum token was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The trailing CRC32 matches the random part.
    Checksum,
    /// `<id>|<40 random characters>` with no checksum: a shape, not a proof.
    Shape,
}

/// Every Sanctum token in `text`, with how each was recognised, in order of appearance.
pub fn find(text: &str) -> Vec<(&str, Evidence)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Each `|` looks back over at most MAX_ID_LEN digits and forward over one run, and runs after
    // different bars do not overlap, so the whole scan is linear.
    for (bar, _) in text.match_indices('|') {
        let id_start = bytes[..bar]
            .iter()
            .rev()
            .take(MAX_ID_LEN + 1)
            .take_while(|b| b.is_ascii_digit())
            .count();
        let start = bar - id_start;
        let bounded_before = start == 0 || !is_token_byte(bytes[start - 1]);
        if id_start == 0 || id_start > MAX_ID_LEN || !bounded_before {
            continue;
        }
        let run = bytes[bar + 1..]
            .iter()
            .take_while(|&&b| is_token_byte(b))
            .count();
        let secret = &text[bar + 1..bar + 1 + run];
        if let Some(evidence) = evidence(secret) {
            found.push((&text[start..bar + 1 + run], evidence));
        }
    }
    found
}

/// Whether the part after the `|` is a Sanctum secret, and by what evidence.
fn evidence(secret: &str) -> Option<Evidence> {
    if secret.len() == RANDOM_LEN && looks_random(secret) {
        return Some(Evidence::Shape);
    }
    let prefix_len = secret.len().checked_sub(RANDOM_LEN + CHECKSUM_LEN)?;
    if prefix_len > MAX_PREFIX_LEN {
        return None;
    }
    let (random, checksum) = secret[prefix_len..].split_at(RANDOM_LEN);
    let alphanumeric = random.bytes().all(|b| b.is_ascii_alphanumeric());
    let lower_hex = checksum
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let matches =
        alphanumeric && lower_hex && format!("{:08x}", crc32(random.as_bytes())) == checksum;
    matches.then_some(Evidence::Checksum)
}

/// Sanctum's random part mixes upper case, lower case and digits; hex IDs and words do not.
fn looks_random(secret: &str) -> bool {
    let has = |test: fn(&u8) -> bool| secret.as_bytes().iter().any(test);
    secret.bytes().all(|b| b.is_ascii_alphanumeric())
        && has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && has(u8::is_ascii_digit)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// CRC-32 (IEEE 802.3), PHP's `crc32b`. Bitwise: it only ever sees 40 bytes.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |crc, _| {
            (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg())
        })
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const RANDOM: &str = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4bC6d";

    /// A token as Sanctum issues it, checksum included.
    pub(crate) fn sanctum_token(id: u32, prefix: &str) -> String {
        format!("{id}|{prefix}{RANDOM}{:08x}", crc32(RANDOM.as_bytes()))
    }

    #[test]
    fn crc32_matches_php_crc32b() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn finds_a_checksummed_token_with_and_without_prefix() {
        let plain = sanctum_token(17, "");
        let prefixed = sanctum_token(4711, "itl_");
        let text = format!("Neu: {plain}\nund {prefixed}.");

        let found = find(&text);

        assert_eq!(
            found,
            [
                (plain.as_str(), Evidence::Checksum),
                (prefixed.as_str(), Evidence::Checksum)
            ]
        );
    }

    #[test]
    fn a_wrong_checksum_is_no_token() {
        let token = sanctum_token(17, "");
        let broken = format!("{}00000000", &token[..token.len() - 8]);

        assert!(find(&broken).is_empty());
    }

    #[test]
    fn finds_the_unchecksummed_form_only_as_a_shape() {
        assert_eq!(
            find(&format!("5|{RANDOM}")),
            [(&*format!("5|{RANDOM}"), Evidence::Shape)]
        );
    }

    #[test]
    fn ignores_hex_ids_secrets_without_id_and_glued_ids() {
        let hex = "0123456789abcdef0123456789abcdef01234567";

        assert!(find(&format!("5|{hex}")).is_empty());
        assert!(find(&format!("|{RANDOM}")).is_empty());
        assert!(find(&format!("x5|{RANDOM}")).is_empty());
        assert!(find(&format!("5|{RANDOM}extra")).is_empty());
    }
}
