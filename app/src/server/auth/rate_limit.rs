//! Slowing down password guessing. Every login attempt is reserved before
//! its password is hashed, per account (a digest of the e-mail, so keys are
//! short whatever is typed) and per client address, over a sliding window;
//! past either limit the attempt is refused with the time to wait, without
//! hashing. The counts live in PostgreSQL (`login_throttle`), so every
//! replica shares them and nothing grows in memory; the retention job drops
//! idle keys. A success clears the account's count and gives the address
//! its attempt back.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::time::Duration;

use crate::model::AppError;
use crate::server::store::login_throttle;

/// The longest e-mail address accepted (RFC 5321's path limit); longer
/// input is refused before anything is counted or hashed.
pub const MAX_EMAIL_LEN: usize = 254;

/// Attempt limits and their window.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attempts allowed per account (e-mail) within the window.
    pub per_account: i32,
    /// Attempts allowed per client address within the window.
    pub per_address: i32,
    /// How far back attempts count.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_account: 5, per_address: 20, window: Duration::from_secs(15 * 60) }
    }
}

/// The limiter over the shared counts.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: Limits,
}

/// An attempt that was let through: its keys and when it was made.
#[derive(Debug)]
pub struct Reservation {
    account: String,
    address: String,
    at: DateTime<Utc>,
}

impl LoginLimiter {
    /// A limiter with these limits.
    pub fn new(limits: Limits) -> Self {
        Self { limits }
    }

    /// Reserves an attempt for the account and the address, both or
    /// neither: `TooManyRequests` (with the seconds to wait) when either is
    /// at its limit.
    pub async fn reserve(&self, pool: &PgPool, email: &str, address: &str) -> Result<Reservation, AppError> {
        let reservation =
            Reservation { account: account_key(email), address: format!("addr:{address}"), at: Utc::now() };
        let window = self.limits.window.as_secs_f64();
        let mut tx = pool.begin().await?;
        // Always the account first, then the address: one order, no deadlock.
        for (key, limit) in
            [(&reservation.account, self.limits.per_account), (&reservation.address, self.limits.per_address)]
        {
            if let Some(oldest) = login_throttle::reserve(&mut tx, key, reservation.at, limit, window).await? {
                tx.rollback().await?;
                let freed_at = oldest + chrono::Duration::from_std(self.limits.window).unwrap_or_default();
                let wait = (freed_at - reservation.at).num_seconds().max(1);
                return Err(AppError::TooManyRequests { retry_after_secs: wait.unsigned_abs() });
            }
        }
        tx.commit().await?;
        Ok(reservation)
    }

    /// The attempt signed in: the account starts afresh, and the address
    /// does not pay for it.
    pub async fn succeeded(&self, pool: &PgPool, reservation: Reservation) -> Result<(), AppError> {
        login_throttle::clear(pool, &reservation.account).await?;
        login_throttle::release(pool, &reservation.address, reservation.at).await?;
        Ok(())
    }
}

/// `account:` and the SHA-256 of the trimmed, lower-cased e-mail.
fn account_key(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    format!("account:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_account: i32, per_address: i32) -> LoginLimiter {
        LoginLimiter::new(Limits { per_account, per_address, window: Duration::from_secs(60) })
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_account_is_blocked_after_its_limit_and_freed_by_a_success(pool: PgPool) {
        let limiter = limiter(3, 100);
        let mut last = None;
        for _ in 0..3 {
            last = Some(limiter.reserve(&pool, "A@x.test", "1.2.3.4").await.unwrap());
        }
        let Err(AppError::TooManyRequests { retry_after_secs }) = limiter.reserve(&pool, " a@X.test", "5.6.7.8").await
        else {
            panic!("the account is at its limit, whatever the case and the address");
        };
        assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
        assert!(limiter.reserve(&pool, "b@x.test", "1.2.3.4").await.is_ok(), "other accounts are not blocked");
        limiter.succeeded(&pool, last.unwrap()).await.unwrap();
        assert!(limiter.reserve(&pool, "a@x.test", "1.2.3.4").await.is_ok());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_address_is_blocked_across_accounts_and_a_refusal_counts_nothing(pool: PgPool) {
        let limiter = limiter(100, 4);
        for i in 0..4 {
            limiter.reserve(&pool, &format!("user{i}@x.test"), "9.9.9.9").await.unwrap();
        }
        assert!(limiter.reserve(&pool, "new@x.test", "9.9.9.9").await.is_err());
        assert!(limiter.reserve(&pool, "new@x.test", "8.8.8.8").await.is_ok());
        // The refused attempt left no count on `new@x.test`: 4 + the one above.
        assert_eq!(login_throttle::count_keys(&pool).await.unwrap(), 4 + 1 + 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_attempts_on_one_account_are_held_to_the_limit(pool: PgPool) {
        let limiter = std::sync::Arc::new(limiter(5, 100));
        let attempts = (0..15).map(|i| {
            let (limiter, pool) = (limiter.clone(), pool.clone());
            tokio::spawn(async move { limiter.reserve(&pool, "victim@x.test", &format!("10.0.0.{i}")).await })
        });
        let results = futures::future::join_all(attempts).await;
        let let_through = results.into_iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
        assert_eq!(let_through, 5);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn ten_thousand_e_mails_from_one_address_keep_a_bounded_number_of_keys(pool: PgPool) {
        let limiter = limiter(5, 20);
        let mut refused = 0;
        for i in 0..10_000 {
            if limiter.reserve(&pool, &format!("guess{i}@x.test"), "6.6.6.6").await.is_err() {
                refused += 1;
            }
        }
        assert_eq!(refused, 10_000 - 20);
        assert_eq!(login_throttle::count_keys(&pool).await.unwrap(), 20 + 1, "20 accounts and the address");
        let later = Utc::now() + chrono::Duration::minutes(2);
        assert_eq!(login_throttle::delete_idle_before(&pool, later, 5_000).await.unwrap(), 21);
    }
}
