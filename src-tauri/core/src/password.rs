//! Password hashing with argon2id (OWASP parameters), always off the async runtime.

use crate::error::{AppError, AppResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn hasher() -> AppResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(plain: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(plain.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

fn verify_blocking(hash: &str, plain: &str) -> AppResult<bool> {
    let parsed = PasswordHash::new(hash).map_err(AppError::internal)?;
    Ok(hasher()?.verify_password(plain.as_bytes(), &parsed).is_ok())
}

/// A real hash of a random secret, verified against for unknown accounts so that the time a
/// login takes does not reveal whether the account exists.
fn dummy_hash() -> AppResult<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let secret: [u8; 16] = rand::random();
    let h = hash_blocking(&hex::encode(secret))?;
    Ok(DUMMY.get_or_init(|| h))
}

/// Hashes a password on a blocking thread; returns the PHC string.
pub async fn hash(plain: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&plain)).await?
}

/// Verifies a password against a stored hash on a blocking thread.
pub async fn verify(hash: String, plain: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || verify_blocking(&hash, &plain)).await?
}

/// Spends the same effort as [`verify`] and always answers `false` (unknown account).
pub async fn verify_dummy(plain: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let h = dummy_hash()?;
        verify_blocking(h, &plain).map(|_| false)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(h.clone(), "correct horse battery".into())
            .await
            .unwrap());
        assert!(!verify(h, "wrong horse battery".into()).await.unwrap());
        assert!(!verify_dummy("anything at all".into()).await.unwrap());
    }
}
