//! Decoding of unpadded base64url, the alphabet JWT segments are written in.

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
    use super::decode;

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
