//! The jobs that process stored webhook events (`killbill_webhooks`,
//! `condo_webhooks`). A delivery asks for a run at once (a `webhook`
//! request); the schedule retries what a failure left pending. A pass that
//! finds nothing pending records no run, so the history shows only work.

use anyhow::Context as _;

use super::{SyncContext, SyncSummary};
use crate::domain::Job;
use crate::server::store::sync_run::{self, RunCounts, RunOutcome};
use crate::server::store::webhook_event;
use crate::server::webhooks::{self, Processed};

/// The `webhook_event.source` a webhook job processes.
pub fn source_of(job: Job) -> Option<&'static str> {
    match job {
        Job::KillbillWebhooks => Some(webhooks::killbill::SOURCE),
        Job::CondoWebhooks => Some(webhooks::condo::SOURCE),
        _ => None,
    }
}

/// Processes the pending events of the job's source, recorded as a run when
/// there was any.
pub async fn run(ctx: &SyncContext, job: Job, trigger: &str) -> anyhow::Result<SyncSummary> {
    let source = source_of(job).with_context(|| format!("{job} is not a webhook job"))?;
    let pending = webhook_event::count_pending_of(&ctx.pool, source).await.context("counting pending events")?;
    if pending == 0 {
        return Ok(SyncSummary::default());
    }
    let run_id = sync_run::start_run(&ctx.pool, job, trigger).await.context("recording the run")?;
    let result = match job {
        Job::KillbillWebhooks => webhooks::killbill::process_pending(ctx).await,
        _ => webhooks::condo::process_pending(ctx).await,
    };
    let (processed, outcome) = match result {
        Ok(processed) => {
            let outcome = outcome_of(&processed);
            (processed, outcome)
        }
        Err(err) => {
            let error = "Processing the webhook events stopped on a database error".to_owned();
            (Processed::default(), RunOutcome::Failed { error, detail: format!("{err:#}") })
        }
    };
    let to_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let counts = RunCounts {
        records_in: to_i32(processed.done + processed.failed.len()),
        records_out: to_i32(processed.done),
        records_failed: to_i32(processed.failed.len()),
        records_skipped: 0,
    };
    let mut conn = ctx.pool.acquire().await.context("recording the end of the run")?;
    sync_run::finish_run(&mut conn, run_id, counts, None, &outcome, ctx.tick)
        .await
        .context("recording the end of the run")?;
    if let RunOutcome::Failed { error, detail } = outcome {
        anyhow::bail!("{error} (run {run_id}): {detail}");
    }
    Ok(SyncSummary {
        run_id,
        records_in: counts.records_in,
        records_out: counts.records_out,
        records_failed: counts.records_failed,
        records_skipped: counts.records_skipped,
    })
}

/// Failed events make a failed run (they stay pending and are retried).
fn outcome_of(processed: &Processed) -> RunOutcome {
    if processed.failed.is_empty() {
        return RunOutcome::Succeeded;
    }
    let n = processed.failed.len();
    RunOutcome::Failed {
        error: format!("{n} event{} could not be processed; retried on the next run", if n == 1 { "" } else { "s" }),
        detail: processed.failed.iter().take(20).cloned().collect::<Vec<_>>().join("\n"),
    }
}
