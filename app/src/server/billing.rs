//! The rent run on request: an admin bills a month now (the scheduler bills
//! the current month on its own, see `jobs::billing`). The run holds the
//! job's lease, so it never overlaps a scheduled one.

use crate::domain::{BillingPeriod, Job};
use crate::model::AppError;
use crate::model::billing::BillingRunResult;
use crate::server::auth::AuthUser;
use crate::server::error::internal;
use crate::server::jobs::billing::{Actor, run_period};
use crate::server::scheduler::{JobLease, JobLeaseOptions};
use crate::server::state::AppState;

/// Bills `period` (`YYYY-MM`) now, for an admin; answers what it did.
pub async fn run_now(state: &AppState, user: &AuthUser, period: &str) -> Result<BillingRunResult, AppError> {
    user.require_admin()?;
    let period = BillingPeriod::parse(period).map_err(|e| AppError::Validation(format!("period: {e}")))?;
    let options = JobLeaseOptions::new(&state.schedules, "serve");
    let lease =
        JobLease::acquire(&state.pool, Job::Billing, &options)
            .await
            .map_err(|e| internal(format!("{e:#}")))?
            .ok_or_else(|| AppError::Conflict("The rent run is already running; try again when it is done.".into()))?;
    let ctx = state.sync_context();
    let actor = Actor::of(user);
    let run = lease.run_work(None, run_period(&ctx, period, "manual", &actor)).await;
    lease.release().await;
    let summary = run.result.map_err(|e| internal(format!("{e:#}")))?;
    Ok(BillingRunResult {
        period: period.to_string(),
        created: summary.records_out,
        skipped: summary.records_skipped,
        run_id: summary.run_id,
    })
}
