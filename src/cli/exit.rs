//! The exit codes of the command line, for scripts and schedulers:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | done |
//! | 1    | failed (bad input, a bug, a refusal: running again will not help) |
//! | 2    | `killbill reconcile` found drift between Kill Bill and our books |
//! | 75   | temporary: an upstream could not be reached or timed out, or the job is running elsewhere; try again later (`EX_TEMPFAIL`) |

use app::server::adapters::condo::CondoError;
use app::server::adapters::killbill::KillBillError;
use app::server::scheduler::Busy;
use std::process::ExitCode;

/// The books and Kill Bill disagree.
pub const DRIFT: u8 = 2;
/// Worth trying again later.
pub const TEMPORARY: u8 = 75;

/// Kill Bill disagrees with our books; the report was printed.
#[derive(Debug)]
pub struct Drift(pub i64);

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kill Bill drifts from our books ({} differences)", self.0)
    }
}

impl std::error::Error for Drift {}

/// The exit code for a command's error: drift, temporary, or a plain failure.
pub fn code_of(err: &anyhow::Error) -> u8 {
    if err.chain().any(|cause| cause.is::<Drift>()) {
        return DRIFT;
    }
    let temporary = err.chain().any(|cause| {
        cause.is::<Busy>()
            || cause.downcast_ref::<KillBillError>().is_some_and(KillBillError::is_retryable)
            || cause.downcast_ref::<CondoError>().is_some_and(CondoError::is_retryable)
            || cause.downcast_ref::<sqlx::Error>().is_some_and(|e| matches!(e, sqlx::Error::PoolTimedOut))
    });
    if temporary { TEMPORARY } else { 1 }
}

/// Reports a command's outcome on stderr and turns it into the exit code.
pub fn finish(outcome: anyhow::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = code_of(&err);
            tracing::error!(exit_code = code, error = format!("{err:#}"), "the command failed");
            eprintln!("error: {err:#}");
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn drift_busy_and_unreachable_upstreams_have_their_own_codes() {
        let drift: anyhow::Error = Drift(3).into();
        assert_eq!(code_of(&drift), DRIFT);
        let busy = Err::<(), _>(Busy { job: "Kill Bill mirror" }).context("running the job").unwrap_err();
        assert_eq!(code_of(&busy), TEMPORARY);
        let down = Err::<(), _>(KillBillError::Connection("refused".into())).context("reading").unwrap_err();
        assert_eq!(code_of(&down), TEMPORARY);
        let refused = KillBillError::Unexpected("odd".into());
        assert_eq!(code_of(&refused.into()), 1);
        assert_eq!(code_of(&anyhow::anyhow!("bad input")), 1);
    }
}
