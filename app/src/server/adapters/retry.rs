//! One retry policy for every adapter: bounded tries, exponential backoff
//! with jitter (replicas and parallel workers do not retry in step), and an
//! upstream's `Retry-After` honoured when it asks for longer.

use chrono::{DateTime, Utc};
use rand::Rng;
use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

/// The longest `Retry-After` we wait for; past it the try counts as failed.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// An error that knows whether trying again may help, and how long the
/// upstream asked us to wait before doing so.
pub trait Retryable {
    /// Timeouts, broken connections, 5xx and 429: the request may not have
    /// been processed, or the upstream is busy.
    fn is_retryable(&self) -> bool;
    /// The upstream's `Retry-After`, when it sent one.
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first one included.
    pub attempts: u32,
    /// Wait before the first retry; doubled each time.
    pub first_backoff: Duration,
    /// Longest wait between two tries (a `Retry-After` may ask for more).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 8, first_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    /// The longest wait after failed try number `attempt` (1-based): doubled
    /// from `first_backoff`, capped at `max_backoff`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.first_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// The wait actually slept after try `attempt`: a random point between
    /// half the backoff and the whole of it, or the upstream's `Retry-After`
    /// (at most [`MAX_RETRY_AFTER`]) when that is longer.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.backoff(attempt);
        let jittered = if ceiling.is_zero() { ceiling } else { rand::thread_rng().gen_range(ceiling / 2..=ceiling) };
        retry_after.map_or(jittered, |asked| jittered.max(asked.min(MAX_RETRY_AFTER)))
    }
}

/// Runs `step` until it succeeds, fails for good, or the tries run out,
/// sleeping [`RetryPolicy::delay`] between tries. `what` names the call in logs.
pub async fn retry<T, E, F, Fut>(policy: RetryPolicy, what: &str, mut step: F) -> Result<T, E>
where
    E: Retryable + Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match step().await {
            Err(err) if err.is_retryable() && attempt < policy.attempts => {
                let wait = policy.delay(attempt, err.retry_after());
                tracing::debug!(call = what, attempt, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Reads a `Retry-After` value: a number of seconds, or an HTTP date (then
/// the time left until it, from `now`).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// The `Retry-After` of a response, if it has a readable one.
pub fn retry_after_of(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Busy(Option<Duration>);

    impl Display for Busy {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("busy")
        }
    }

    impl Retryable for Busy {
        fn is_retryable(&self) -> bool {
            true
        }
        fn retry_after(&self) -> Option<Duration> {
            self.0
        }
    }

    #[test]
    fn the_backoff_doubles_up_to_its_ceiling_and_the_delay_is_jittered_below_it() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(3), Duration::from_millis(400));
        assert_eq!(p.backoff(20), Duration::from_secs(5));
        let delays: Vec<Duration> = (0..200).map(|_| p.delay(3, None)).collect();
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(200) && *d <= Duration::from_millis(400)));
        assert!(delays.iter().any(|d| *d != delays[0]), "the delays vary");
    }

    #[test]
    fn a_longer_retry_after_wins_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(p.delay(1, Some(Duration::from_secs(3600))), MAX_RETRY_AFTER);
        assert!(p.delay(20, Some(Duration::from_millis(1))) >= Duration::from_millis(2500), "a shorter one does not");
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_a_date() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T12:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Thu, 03 Dec 2026 12:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Thu, 03 Dec 2026 11:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[tokio::test]
    async fn retries_stop_after_the_last_try_and_wait_as_asked() {
        let policy =
            RetryPolicy { attempts: 3, first_backoff: Duration::from_millis(1), max_backoff: Duration::from_millis(2) };
        let started = std::time::Instant::now();
        let mut calls = 0;
        let result: Result<(), Busy> = retry(policy, "test", || {
            calls += 1;
            async { Err(Busy(Some(Duration::from_millis(150)))) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls, 3);
        assert!(started.elapsed() >= Duration::from_millis(300), "two waits of the asked 150 ms");
    }
}
