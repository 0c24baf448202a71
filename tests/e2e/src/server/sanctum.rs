//! Plain-text API tokens shaped like those Laravel Sanctum issues.
//!
//! Sanctum writes `<id>|<prefix><40 random letters and digits><crc32b of those 40>`: the
//! checksum covers the random part only, not the configured prefix.

use crate::random;

/// Length of the random part, Sanctum's `Str::random(40)`.
const ENTROPY_CHARS: usize = 40;

/// A new token for database row `id`, with Sanctum's optional `token_prefix`.
pub fn plain_text_token(id: u64, prefix: &str) -> String {
    let entropy = random::alphanumeric(ENTROPY_CHARS);
    let checksum = crc32b(entropy.as_bytes());
    format!("{id}|{prefix}{entropy}{checksum:08x}")
}

/// CRC-32 as PHP's `hash('crc32b', …)` computes it (IEEE polynomial, reflected).
fn crc32b(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let low_bit_mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & low_bit_mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32b_matches_phps_hash() {
        assert_eq!(crc32b(b"123456789"), 0xcbf4_3926);
        assert_eq!(
            crc32b(b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
    }

    #[test]
    fn checksum_covers_the_random_part_after_the_prefix() {
        let token = plain_text_token(42, "itl_");

        let (id, secret) = token.split_once('|').unwrap();
        let secret = secret.strip_prefix("itl_").unwrap();
        let (entropy, checksum) = secret.split_at(ENTROPY_CHARS);
        assert_eq!(id, "42");
        assert!(entropy.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(checksum, format!("{:08x}", crc32b(entropy.as_bytes())));
    }
}
