//! Random secrets and ids for what the replica hands out.

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` bytes from the operating system's random source.
pub fn bytes(len: usize) -> Vec<u8> {
    let mut buf = vec![0; len];
    getrandom::getrandom(&mut buf).expect("the OS random source is readable");
    buf
}

/// `2 * len_bytes` lowercase hex digits, like Passport's token ids.
pub fn hex(len_bytes: usize) -> String {
    bytes(len_bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `len` letters and digits, like Laravel's `Str::random` CSRF tokens.
pub fn alphanumeric(len: usize) -> String {
    // 248 is the largest multiple of 62 that fits a byte; higher bytes would skew the choice.
    let limit = (256 / ALPHANUMERIC.len() * ALPHANUMERIC.len()) as u8;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let accepted = bytes(len).into_iter().filter(|b| *b < limit);
        let chars = accepted.map(|b| char::from(ALPHANUMERIC[usize::from(b) % ALPHANUMERIC.len()]));
        out.extend(chars.take(len - out.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_has_two_lowercase_digits_per_byte() {
        let id = hex(40);

        assert_eq!(id.len(), 80);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn alphanumeric_has_the_asked_length() {
        let token = alphanumeric(40);

        assert_eq!(token.len(), 40);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
