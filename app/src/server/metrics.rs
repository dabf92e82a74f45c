//! The sync and webhook figures behind `/metrics`, read from the database.

use sqlx::PgPool;

use crate::model::metrics::{JobGauges, RunTotal, SyncFigures};
use crate::server::store::{sync_request, sync_run, sync_state, webhook_event};

/// Every database figure `/metrics` exposes.
pub async fn sync_figures(pool: &PgPool) -> Result<SyncFigures, sqlx::Error> {
    let runs = sync_run::run_tallies(pool).await?;
    let jobs = sync_state::list_state_gauges(pool).await?;
    Ok(SyncFigures {
        runs: runs
            .into_iter()
            .map(|r| RunTotal {
                job: r.job,
                status: r.status,
                runs: r.runs,
                records_in: r.records_in,
                records_out: r.records_out,
                records_failed: r.records_failed,
                records_skipped: r.records_skipped,
                duration_seconds: r.duration_seconds,
                duration_buckets: r.duration_buckets,
            })
            .collect(),
        jobs: jobs
            .into_iter()
            .map(|s| JobGauges {
                job: s.job,
                configured: s.configured,
                paused: s.paused,
                consecutive_failures: s.consecutive_failures,
                last_success: s.last_success,
                next_run: s.next_run,
                last_duration: s.last_duration,
                running: s.running,
            })
            .collect(),
        requests: sync_request::count_by_status(pool).await?,
        webhook_events: webhook_event::count_by_state(pool).await?,
    })
}
