//! Retrying the mirror's steps on Kill Bill errors worth retrying (timeouts,
//! broken connections, 5xx, 429) with the adapters' shared policy. Each step
//! retried here resumes from what the store recorded, so a retry never sends blindly.

use std::future::Future;
use std::time::Duration;

use crate::server::adapters::killbill::KillBillError;
pub use crate::server::adapters::retry::RetryPolicy;
use crate::server::adapters::retry::{Retryable, retry};

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

impl Retryable for StepError {
    fn is_retryable(&self) -> bool {
        matches!(self, StepError::KillBill(err) if err.is_retryable())
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            StepError::KillBill(err) => Retryable::retry_after(err),
            StepError::Store(_) => None,
        }
    }
}

/// Runs `step` until it succeeds, fails for good, or the tries run out (the
/// adapters' shared policy: backoff with jitter, Kill Bill's `Retry-After` honoured).
pub async fn with_retry<T, F, Fut>(policy: RetryPolicy, step: F) -> Result<T, StepError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StepError>>,
{
    retry(policy, "Kill Bill", step).await
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
}
