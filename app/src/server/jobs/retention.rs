//! The `retention` job: finished runs, finished "sync now" requests and
//! processed webhook events older than `MARKETPLACE_RETENTION` (90 days by
//! default) are deleted, in small batches, so the tables the panel, the
//! health check and `/metrics` read stay small. Pending or failed events,
//! runs in progress and each job's last run are kept. Login counts idle for a
//! day and sessions over (every refresh token expired) go too.

use anyhow::Context as _;
use chrono::Utc;
use std::time::Duration;

use super::{SyncContext, SyncSummary};
use crate::domain::Job;
use crate::server::store::sync_run::{self, RunCounts, RunOutcome};
use crate::server::store::{login_throttle, session_family, sync_request, webhook_event};

/// Rows deleted per statement.
const BATCH: i64 = 5_000;

/// How long history is kept (`MARKETPLACE_RETENTION`, at least a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention(pub Duration);

impl Default for Retention {
    fn default() -> Self {
        Self(Duration::from_secs(90 * 86_400))
    }
}

/// Deletes the history older than the retention; counts what went.
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<SyncSummary> {
    let keep = chrono::Duration::from_std(ctx.settings.retention.0).context("the retention period")?;
    let before = Utc::now() - keep;
    let run_id = sync_run::start_run(&ctx.pool, Job::Retention, trigger).await.context("recording the run")?;
    let deleted = prune(ctx, before).await;
    let (counts, outcome) = match &deleted {
        Ok(n) => (RunCounts { records_in: *n, records_out: *n, ..RunCounts::default() }, RunOutcome::Succeeded),
        Err(err) => (
            RunCounts::default(),
            RunOutcome::Failed {
                error: "Pruning the history stopped on a database error".into(),
                detail: format!("{err:#}"),
            },
        ),
    };
    let mut conn = ctx.pool.acquire().await.context("recording the end of the run")?;
    sync_run::finish_run(&mut conn, run_id, counts, Some(&before.to_rfc3339()), &outcome, ctx.tick)
        .await
        .context("recording the end of the run")?;
    let n = deleted?;
    Ok(SyncSummary { run_id, records_in: n, records_out: n, records_failed: 0, records_skipped: 0 })
}

async fn prune(ctx: &SyncContext, before: chrono::DateTime<Utc>) -> anyhow::Result<i32> {
    let pool = &ctx.pool;
    // Requests first: a finished request points at its run.
    let requests = drain(|| sync_request::delete_finished_before(pool, before, BATCH)).await.context("old requests")?;
    let runs = drain(|| sync_run::delete_finished_before(pool, before, BATCH)).await.context("old runs")?;
    let events = drain(|| webhook_event::delete_processed_before(pool, before, BATCH)).await.context("old events")?;
    // Login counts older than any limit window, and sessions long over.
    let idle = Utc::now() - chrono::Duration::days(1);
    let keys = drain(|| login_throttle::delete_idle_before(pool, idle, BATCH)).await.context("idle login counts")?;
    let sessions =
        drain(|| session_family::delete_ended_before(pool, before, BATCH)).await.context("ended sessions")?;
    Ok(i32::try_from(requests + runs + events + keys + sessions).unwrap_or(i32::MAX))
}

/// Runs a batched delete until a batch comes back short; how many rows went.
async fn drain<F, Fut>(mut delete_batch: F) -> Result<u64, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<u64, sqlx::Error>>,
{
    let mut total = 0;
    loop {
        let n = delete_batch().await?;
        total += n;
        if n < BATCH as u64 {
            return Ok(total);
        }
    }
}
