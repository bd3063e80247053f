//! Random 256-bit secrets handed to a client (session tokens, terminal keys): 64 hex digits
//! for the client, only their SHA-256 in the database, never printed by `Debug`.

/// Defines such a secret type: `generate`, `parse` (anything but 64 hex digits is refused),
/// `expose` (for the client it belongs to) and `hash` (what is stored).
macro_rules! random_secret {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            #[allow(dead_code)]
            pub(crate) fn generate() -> Self {
                $name(hex::encode(rand::random::<[u8; 32]>()))
            }

            /// A secret as received from a client; anything that is not 64 hex digits is refused.
            pub fn parse(text: &str) -> Option<Self> {
                let t = text.trim();
                (t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| $name(t.to_ascii_lowercase()))
            }

            /// The secret itself, for the client it belongs to (and nobody else).
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// What the database keeps: its SHA-256.
            pub(crate) fn hash(&self) -> String {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(self.0.as_bytes()))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

pub(crate) use random_secret;
