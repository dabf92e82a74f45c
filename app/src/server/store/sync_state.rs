//! `sync_state`: one row per job with its watermark, pause flag, failure
//! streak and next tick.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::Job;

/// A `sync_state` row joined with its last run's error.
#[derive(Debug, Clone)]
pub struct SyncStateRow {
    pub job: String,
    pub configured: bool,
    pub watermark: Option<String>,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub consecutive_failures: i32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_run_status: Option<String>,
    pub last_error: Option<String>,
}

/// Every job's state, in display order.
pub async fn list_sync_states(db: impl PgExecutor<'_>) -> Result<Vec<SyncStateRow>, sqlx::Error> {
    sqlx::query_as!(
        SyncStateRow,
        r#"SELECT s.job, s.configured, s.watermark, s.paused, s.paused_reason, s.consecutive_failures,
                  s.last_success_at, r.status AS "last_run_status?", r.error AS "last_error?"
           FROM sync_state s LEFT JOIN sync_run r ON r.id = s.last_run_id
           ORDER BY array_position(ARRAY['killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks',
                                         'condo_outbox', 'cocorico', 'billing', 'retention'], s.job)"#
    )
    .fetch_all(db)
    .await
}

/// Marks a job as configured (or not), as read from the configuration at start.
pub async fn set_configured(db: impl PgExecutor<'_>, job: Job, configured: bool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_state SET configured = $2 WHERE job = $1 AND configured IS DISTINCT FROM $2",
        job.as_str(),
        configured
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Pauses or resumes a job's scheduled runs.
pub async fn set_paused(
    db: impl PgExecutor<'_>,
    job: Job,
    paused: bool,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_state SET paused = $2, paused_reason = CASE WHEN $2 THEN $3 END WHERE job = $1",
        job.as_str(),
        paused,
        reason
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What the scheduler needs to know about a job.
#[derive(Debug, Clone)]
pub struct ScheduleState {
    pub paused: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub consecutive_failures: i32,
}

/// The scheduling columns of one job.
pub async fn schedule_state(db: impl PgExecutor<'_>, job: Job) -> Result<ScheduleState, sqlx::Error> {
    sqlx::query_as!(
        ScheduleState,
        "SELECT paused, next_run_at, last_success_at, consecutive_failures FROM sync_state WHERE job = $1",
        job.as_str()
    )
    .fetch_one(db)
    .await
}

/// Every job's next scheduled run (`None` while paused, off or not yet planned).
pub async fn list_next_runs(db: impl PgExecutor<'_>) -> Result<Vec<(String, Option<DateTime<Utc>>)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT job, next_run_at FROM sync_state ORDER BY job").fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.job, r.next_run_at)).collect())
}

/// Plans the first tick of a job that has none (at start, after a resume)
/// and is not paused. Returns whether it was planned here.
pub async fn plan_first_run(db: impl PgExecutor<'_>, job: Job, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_state SET next_run_at = $2 WHERE job = $1 AND next_run_at IS NULL AND NOT paused",
        job.as_str(),
        at
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a job's next tick (`None`: no tick planned), unless it is paused.
pub async fn set_next_run(db: impl PgExecutor<'_>, job: Job, at: Option<DateTime<Utc>>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE sync_state SET next_run_at = $2 WHERE job = $1 AND NOT paused", job.as_str(), at)
        .execute(db)
        .await?;
    Ok(())
}

/// Pauses a job by hand, or after repeated failures: no scheduled run
/// until it is resumed.
pub async fn pause(db: impl PgExecutor<'_>, job: Job, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_state SET paused = true, paused_reason = $2, next_run_at = NULL WHERE job = $1",
        job.as_str(),
        reason
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Pauses a job whose failure streak reached `threshold` (not already
/// paused). Returns whether it was paused now.
pub async fn pause_if_failing(
    db: impl PgExecutor<'_>,
    job: Job,
    threshold: i32,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_state SET paused = true, paused_reason = $3, next_run_at = NULL
         WHERE job = $1 AND NOT paused AND $2 > 0 AND consecutive_failures >= $2",
        job.as_str(),
        threshold,
        reason
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Resumes a paused job: its failure streak starts over and the
/// scheduler plans its next tick. Returns whether it was paused.
pub async fn resume(db: impl PgExecutor<'_>, job: Job) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_state SET paused = false, paused_reason = NULL, consecutive_failures = 0, next_run_at = NULL
         WHERE job = $1 AND paused",
        job.as_str()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A job's state and its last finished run.
#[derive(Debug, Clone)]
pub struct StatusRow {
    pub job: String,
    pub configured: bool,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub consecutive_failures: i32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_id: Option<i64>,
    pub last_trigger: Option<String>,
    pub last_status: Option<String>,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub records_in: Option<i32>,
    pub records_out: Option<i32>,
    pub records_failed: Option<i32>,
    pub records_skipped: Option<i32>,
    pub error: Option<String>,
    pub error_detail: Option<String>,
}

/// Every job's state with its last finished run, in display order.
pub async fn list_status_rows(db: impl PgExecutor<'_>) -> Result<Vec<StatusRow>, sqlx::Error> {
    sqlx::query_as!(
        StatusRow,
        r#"SELECT s.job, s.configured, s.paused, s.paused_reason, s.consecutive_failures, s.last_success_at,
                  s.next_run_at, s.last_run_id,
                  r.trigger AS "last_trigger?", r.status AS "last_status?", r.started_at AS "last_started_at?",
                  r.finished_at AS last_finished_at, r.records_in AS "records_in?", r.records_out AS "records_out?",
                  r.records_failed AS "records_failed?", r.records_skipped AS "records_skipped?",
                  r.error, r.error_detail
           FROM sync_state s LEFT JOIN sync_run r ON r.id = s.last_run_id
           ORDER BY array_position(ARRAY['killbill', 'killbill_reconciliation', 'killbill_webhooks', 'condo', 'condo_webhooks', 'cocorico', 'billing', 'retention'], s.job)"#
    )
    .fetch_all(db)
    .await
}

/// Whether a job's platform has its settings (as the server read them at start).
pub async fn is_configured(db: impl PgExecutor<'_>, job: Job) -> Result<bool, sqlx::Error> {
    let configured = sqlx::query_scalar!("SELECT configured FROM sync_state WHERE job = $1", job.as_str())
        .fetch_optional(db)
        .await?;
    Ok(configured.unwrap_or(false))
}

/// A job's state as `/metrics` exposes it (times as Unix seconds).
#[derive(Debug, Clone)]
pub struct StateGauges {
    pub job: String,
    pub configured: bool,
    pub paused: bool,
    pub consecutive_failures: i32,
    pub last_success: Option<f64>,
    pub next_run: Option<f64>,
    pub last_duration: Option<f64>,
    /// Whether a server holds the job's lease now.
    pub running: bool,
}

/// Every job's gauges.
pub async fn list_state_gauges(db: impl PgExecutor<'_>) -> Result<Vec<StateGauges>, sqlx::Error> {
    sqlx::query_as!(
        StateGauges,
        r#"SELECT s.job, s.configured, s.paused, s.consecutive_failures,
                  EXTRACT(EPOCH FROM s.last_success_at)::float8 AS "last_success?",
                  EXTRACT(EPOCH FROM s.next_run_at)::float8 AS "next_run?",
                  EXTRACT(EPOCH FROM r.finished_at - r.started_at)::float8 AS "last_duration?",
                  EXISTS (SELECT 1 FROM job_lease l WHERE l.job = s.job
                          AND NOT l.released AND l.expires_at > now()) AS "running!"
           FROM sync_state s LEFT JOIN sync_run r ON r.id = s.last_run_id ORDER BY s.job"#
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::sync_run::{RunCounts, RunOutcome, finish_run, start_run};

    #[sqlx::test(migrations = "../migrations")]
    async fn every_integration_job_starts_not_configured(pool: sqlx::PgPool) {
        let states = list_sync_states(&pool).await.unwrap();
        let jobs: Vec<_> = states.iter().map(|s| s.job.as_str()).collect();
        assert_eq!(
            jobs,
            [
                "killbill",
                "killbill_reconciliation",
                "killbill_webhooks",
                "condo",
                "condo_webhooks",
                "condo_outbox",
                "cocorico",
                "billing",
                "retention"
            ]
        );
        let (integrations, own) = states.split_at(7);
        assert!(integrations.iter().all(|s| !s.configured && !s.paused && s.last_success_at.is_none()));
        assert!(own.iter().all(|s| s.configured), "our own jobs need no settings");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_job_can_be_configured_and_paused_with_a_reason(pool: sqlx::PgPool) {
        set_configured(&pool, Job::CondoImport, true).await.unwrap();
        let condo = |rows: Vec<SyncStateRow>| rows.into_iter().find(|r| r.job == "condo").unwrap();
        let row = condo(list_sync_states(&pool).await.unwrap());
        assert!(row.configured && !row.paused);
        set_paused(&pool, Job::CondoImport, true, Some("maintenance window")).await.unwrap();
        let row = condo(list_sync_states(&pool).await.unwrap());
        assert!(row.paused);
        assert_eq!(row.paused_reason.as_deref(), Some("maintenance window"));
        assert!(is_configured(&pool, Job::CondoImport).await.unwrap());
        assert!(!is_configured(&pool, Job::KillbillMirror).await.unwrap());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_status_row_carries_the_last_finished_run(pool: sqlx::PgPool) {
        let failed = RunOutcome::Failed { error: "Condo did not answer".into(), detail: "timeout after 10 s".into() };
        let id = start_run(&pool, Job::CondoImport, "schedule").await.unwrap();
        let counts = RunCounts { records_in: 4, records_out: 3, records_failed: 1, records_skipped: 0 };
        finish_run(&mut pool.acquire().await.unwrap(), id, counts, None, &failed, None).await.unwrap();
        start_run(&pool, Job::CondoImport, "manual").await.unwrap();
        let rows = list_status_rows(&pool).await.unwrap();
        let condo = rows.iter().find(|r| r.job == "condo").unwrap();
        assert_eq!(condo.last_run_id, Some(id));
        assert_eq!(condo.last_status.as_deref(), Some("failed"));
        assert_eq!(condo.error_detail.as_deref(), Some("timeout after 10 s"));
        assert_eq!((condo.records_in, condo.records_failed), (Some(4), Some(1)));
        let kb = rows.iter().find(|r| r.job == "killbill").unwrap();
        assert!(kb.last_run_id.is_none());
    }
}
