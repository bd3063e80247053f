//! Short one-time codes that people read out and type: terminal enrolment codes and
//! password-reset codes. Eight letters and digits from an alphabet without look-alikes
//! (no 0/O or 1/I/L), shown as `K7QM-3XPA`; case, spaces and dashes do not matter when typed.
//! Only a code's SHA-256 is stored.

use sha2::{Digest, Sha256};

/// The letters codes are made of.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code (about 40 bits: guessing is stopped by throttling and expiry).
pub const LEN: usize = 8;

/// A new random code: (as shown, like `K7QM-3XPA`; its hash for the database).
pub fn generate() -> (String, String) {
    let raw: String = (0..LEN)
        .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
        .collect();
    let hash = hash(&raw);
    (format!("{}-{}", &raw[..4], &raw[4..]), hash)
}

/// The hash of a typed code, or `None` when it cannot be a code (wrong length or letters).
pub fn hash_typed(text: &str) -> Option<String> {
    let code = normalise(text);
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then(|| hash(&code))
}

/// A code as people type it, in the stored form: letters and digits only, upper case.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_ignore_case_spaces_and_dashes() {
        let (shown, stored) = generate();
        assert_eq!(shown.len(), LEN + 1);
        assert_eq!(hash_typed(&shown).as_deref(), Some(stored.as_str()));
        assert_eq!(
            hash_typed(&format!(" {} ", shown.to_lowercase().replace('-', " "))),
            Some(stored)
        );
        assert_eq!(normalise(" k7qm-3xpa "), "K7QM3XPA");
    }

    #[test]
    fn what_cannot_be_a_code_is_refused_before_any_lookup() {
        assert_eq!(hash_typed("K7QM-3XP"), None, "too short");
        assert_eq!(hash_typed("K7QM-3XPAB"), None, "too long");
        assert_eq!(hash_typed("K7QM-3XP0"), None, "0 is not in the alphabet");
        assert_eq!(hash_typed(""), None);
    }
}
