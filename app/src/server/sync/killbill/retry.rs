//! Bounded retries with exponential backoff for Kill Bill errors worth
//! retrying (timeouts, broken connections, 5xx, 429). Each step retried here
//! resumes from what the store recorded, so a retry never sends blindly.

use std::future::Future;
use std::time::Duration;

use crate::server::adapters::killbill::KillBillError;

/// Why a mirroring step stopped.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// Kill Bill failed or refused.
    #[error(transparent)]
    KillBill(#[from] KillBillError),
    /// Our database failed: the run stops.
    #[error("database error: {0}")]
    Store(#[from] sqlx::Error),
}

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first one included.
    pub attempts: u32,
    /// Wait before the first retry; doubled each time.
    pub first_backoff: Duration,
    /// Longest wait between two tries.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 8, first_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    /// The wait after failed try number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.first_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// Runs `step` until it succeeds, fails for good, or the tries run out.
pub async fn with_retry<T, F, Fut>(policy: RetryPolicy, mut step: F) -> Result<T, StepError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StepError>>,
{
    let mut attempt = 1;
    loop {
        match step().await {
            Err(StepError::KillBill(err)) if err.is_retryable() && attempt < policy.attempts => {
                tracing::debug!(attempt, error = %err, "Kill Bill call failed, retrying");
                tokio::time::sleep(policy.backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(attempts: u32) -> RetryPolicy {
        RetryPolicy { attempts, first_backoff: Duration::from_millis(1), max_backoff: Duration::from_millis(2) }
    }

    #[tokio::test]
    async fn a_busy_kill_bill_is_tried_again_until_it_answers() {
        let mut calls = 0;
        let result = with_retry(quick(5), || {
            calls += 1;
            let n = calls;
            async move { if n < 3 { Err(KillBillError::from_status(503, "").into()) } else { Ok(n) } }
        })
        .await;
        assert_eq!(result.unwrap(), 3);
    }

    #[tokio::test]
    async fn a_refusal_is_not_retried_and_retries_are_bounded() {
        let mut calls = 0;
        let refused: Result<(), _> = with_retry(quick(5), || {
            calls += 1;
            async { Err(KillBillError::from_status(400, "{}").into()) }
        })
        .await;
        assert!(refused.is_err());
        assert_eq!(calls, 1);
        let mut calls = 0;
        let down: Result<(), _> = with_retry(quick(4), || {
            calls += 1;
            async { Err(KillBillError::from_status(503, "").into()) }
        })
        .await;
        assert!(down.is_err());
        assert_eq!(calls, 4);
    }

    #[test]
    fn the_backoff_doubles_up_to_its_ceiling() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(3), Duration::from_millis(400));
        assert_eq!(p.backoff(20), Duration::from_secs(5));
    }
}
