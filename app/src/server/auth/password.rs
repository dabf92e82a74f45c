//! Passwords: argon2id, computed off the async threads. A login for an
//! unknown e-mail does the same work as one for a known e-mail, so timing
//! tells nothing about which accounts exist. At most one hash per core runs
//! at once (each takes ~19 MiB and a core for a moment); the rest wait their
//! turn, within the request's own timeout.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// How many hashes may run at once: one per core.
static CORES: LazyLock<usize> =
    LazyLock::new(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));

/// Places for hashes computed at the same time.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(*CORES));

/// How many hashes may run at once.
pub fn max_concurrent_hashes() -> usize {
    *CORES
}

/// How many hashes are running now.
pub fn hashes_in_flight() -> usize {
    max_concurrent_hashes() - HASHING.available_permits()
}

/// A hash of a random password, verified against when the user does not exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: String = uuid::Uuid::new_v4().simple().to_string();
    hash_blocking(&random).unwrap_or_default()
});

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashes a password (PHC string) on a blocking thread.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _place = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Checks a password against a stored hash, or against a dummy hash when
/// there is none, on a blocking thread. Always false without a stored hash.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    // The semaphore is never closed.
    let Ok(_place) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            let _ = verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_right_password_matches_and_others_do_not() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".into(), Some(hash)).await);
        assert!(!verify_password("correct horse".into(), None).await);
        assert!(!verify_password("x".into(), Some("not a hash".into())).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_there_are_places() {
        let hash = hash_password("p".into()).await.unwrap();
        let checks: Vec<_> = (0..8).map(|_| tokio::spawn(verify_password("p".into(), Some(hash.clone())))).collect();
        let mut peak = 0;
        while !checks.iter().all(tokio::task::JoinHandle::is_finished) {
            peak = peak.max(hashes_in_flight());
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        assert!(peak >= 1, "the checks were seen running");
        assert!(peak <= max_concurrent_hashes(), "{peak} hashes at once");
        for check in checks {
            assert!(check.await.unwrap());
        }
    }
}
