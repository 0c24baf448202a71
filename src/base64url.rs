//! Unpadded base64url, the alphabet JWT segments are written in.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Value of one base64url character, or `None` for anything outside the alphabet.
pub fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Encodes `bytes` without padding; the tests build their tokens with it.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
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

/// Decodes `text`, which must be unpadded base64url; `None` for any other input.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    // A single leftover character carries only 6 bits: no byte can end there.
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in text.as_bytes() {
        buffer = (buffer << 6) | u32::from(sextet(byte)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    // Canonical encodings leave the unused low bits zero; anything else is not what an encoder
    // would have written.
    if buffer & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn encoding_round_trips_every_remainder_length() {
        for bytes in [&b""[..], b"a", b"ab", b"abc", &[0xfb, 0xff]] {
            assert_eq!(decode(&encode(bytes)).unwrap(), bytes);
        }
        assert_eq!(encode(b"ab"), "YWI");
    }

    #[test]
    fn decodes_every_remainder_length() {
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("YQ").unwrap(), b"a");
        assert_eq!(decode("YWI").unwrap(), b"ab");
        assert_eq!(decode("YWJj").unwrap(), b"abc");
        assert_eq!(decode("-_8").unwrap(), [0xfb, 0xff]);
    }

    #[test]
    fn rejects_padding_foreign_characters_and_impossible_lengths() {
        assert_eq!(decode("YQ=="), None);
        assert_eq!(decode("Y+Q"), None);
        assert_eq!(decode("YWJjZ"), None);
    }

    #[test]
    fn rejects_non_canonical_trailing_bits() {
        assert_eq!(decode("YR"), None);
    }
}
