//! `sync_run`: one row per integration run, with its counts, cursor and
//! error; finishing a run also updates its job's `sync_state`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::Job;

/// What happened to the records of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Records read from the source.
    pub records_in: i32,
    /// Records written to the destination.
    pub records_out: i32,
    /// Records that failed and were reported.
    pub records_failed: i32,
    /// Records that needed no change.
    pub records_skipped: i32,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// Everything was done.
    Succeeded,
    /// The run stopped: a plain-words message and the technical detail.
    Failed { error: String, detail: String },
    /// The run did its work but some records were refused (they are kept
    /// aside): it counts as a success, with the message and detail kept.
    Warned { error: String, detail: String },
}

/// A run as stored.
#[derive(Debug, Clone)]
pub struct SyncRunRow {
    pub id: i64,
    pub job: String,
    pub trigger: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records_in: i32,
    pub records_out: i32,
    pub records_failed: i32,
    pub records_skipped: i32,
    pub cursor: Option<String>,
    pub error: Option<String>,
}

/// Records the start of a run and returns its id.
pub async fn start_run(db: impl PgExecutor<'_>, job: Job, trigger: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO sync_run (platform, job, trigger) VALUES ($1, $2, $3) RETURNING id",
        job.platform().map(|platform| platform.as_str()),
        job.as_str(),
        trigger
    )
    .fetch_one(db)
    .await
}

/// Records the end of a run and updates its job's state (failure streak,
/// last success, watermark), in the caller's transaction. A scheduled run
/// records its tick here, with its end: a finished run always has its tick,
/// and a tick has at most one finished run (a unique index). A run stopped
/// before it finished leaves its tick to the run that takes it over.
pub async fn finish_run(
    conn: &mut PgConnection,
    run_id: i64,
    counts: RunCounts,
    cursor: Option<&str>,
    outcome: &RunOutcome,
    tick: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    let (status, error, detail) = match outcome {
        RunOutcome::Succeeded => ("succeeded", None, None),
        RunOutcome::Failed { error, detail } => ("failed", Some(error.as_str()), Some(detail.as_str())),
        RunOutcome::Warned { error, detail } => ("succeeded", Some(error.as_str()), Some(detail.as_str())),
    };
    let job = sqlx::query_scalar!(
        "UPDATE sync_run SET status = $2, finished_at = now(), records_in = $3, records_out = $4,
             records_failed = $5, records_skipped = $6, cursor = $7, error = $8, error_detail = $9,
             scheduled_for = $10
         WHERE id = $1 RETURNING job",
        run_id,
        status,
        counts.records_in,
        counts.records_out,
        counts.records_failed,
        counts.records_skipped,
        cursor,
        error,
        detail,
        tick
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE sync_state SET last_run_id = $2,
             consecutive_failures = CASE WHEN $3 THEN 0 ELSE consecutive_failures + 1 END,
             last_success_at = CASE WHEN $3 THEN now() ELSE last_success_at END,
             watermark = COALESCE($4, watermark)
         WHERE job = $1",
        job,
        run_id,
        status == "succeeded",
        cursor
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The latest runs of a job, newest first.
pub async fn list_recent_runs(db: impl PgExecutor<'_>, job: Job, limit: i64) -> Result<Vec<SyncRunRow>, sqlx::Error> {
    sqlx::query_as!(
        SyncRunRow,
        "SELECT id, job, trigger, status, started_at, finished_at, records_in, records_out, records_failed,
                records_skipped, cursor, error
         FROM sync_run WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        job.as_str(),
        limit
    )
    .fetch_all(db)
    .await
}

/// The newest run id of a job (0 when it never ran).
pub async fn latest_run_id(db: impl PgExecutor<'_>, job: Job) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COALESCE(max(id), 0) AS "id!" FROM sync_run WHERE job = $1"#, job.as_str())
        .fetch_one(db)
        .await
}

/// The first run of a job after run `after`, with its status.
pub async fn first_run_after(
    db: impl PgExecutor<'_>,
    job: Job,
    after: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, status FROM sync_run WHERE job = $1 AND id > $2 ORDER BY id LIMIT 1",
        job.as_str(),
        after
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.status)))
}

/// Closes the runs of `job` still marked running that started before
/// `before`, left behind by a server that stopped mid-run (or one that lost its
/// lease), as failed with `error`. Runs by webhook processing are not leased
/// and are left alone. Returns how many were closed.
pub async fn fail_abandoned_runs(
    db: impl PgExecutor<'_>,
    job: Job,
    before: DateTime<Utc>,
    error: &str,
    detail: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_run SET status = 'failed', finished_at = now(), error = $3, error_detail = $4
         WHERE job = $1 AND status = 'running' AND started_at <= $2 AND trigger <> 'webhook'",
        job.as_str(),
        before,
        error,
        detail
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// A run still in progress.
#[derive(Debug, Clone)]
pub struct RunningRow {
    pub id: i64,
    pub job: String,
    pub trigger: String,
    pub started_at: DateTime<Utc>,
}

/// The runs marked running, newest first.
pub async fn list_running(db: impl PgExecutor<'_>) -> Result<Vec<RunningRow>, sqlx::Error> {
    sqlx::query_as!(
        RunningRow,
        "SELECT id, job, trigger, started_at FROM sync_run WHERE status = 'running' ORDER BY id DESC"
    )
    .fetch_all(db)
    .await
}

/// A run's error in plain words (`None` when it has none).
pub async fn error_of(db: impl PgExecutor<'_>, run_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT error FROM sync_run WHERE id = $1", run_id).fetch_one(db).await
}

/// Closes one run still marked running as failed (its holder lost the lease
/// and stopped it).
pub async fn fail_running_run(
    db: impl PgExecutor<'_>,
    run_id: i64,
    error: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_run SET status = 'failed', finished_at = now(), error = $2, error_detail = $3
         WHERE id = $1 AND status = 'running'",
        run_id,
        error,
        detail
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One run of the history chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: i64,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records_in: i32,
    pub records_out: i32,
    pub records_failed: i32,
    pub records_skipped: i32,
}

/// The latest `limit` runs of a job, oldest first (the chart's order).
pub async fn list_run_history(db: impl PgExecutor<'_>, job: Job, limit: i64) -> Result<Vec<HistoryRow>, sqlx::Error> {
    let mut rows = sqlx::query_as!(
        HistoryRow,
        "SELECT id, status, started_at, finished_at, records_in, records_out, records_failed, records_skipped
         FROM sync_run WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        job.as_str(),
        limit
    )
    .fetch_all(db)
    .await?;
    rows.reverse();
    Ok(rows)
}

/// Finished runs, their records and durations, summed per job and outcome
/// as they end (`sync_run_tally`, kept by a trigger): what `/metrics` counts.
#[derive(Debug, Clone)]
pub struct RunTally {
    pub job: String,
    pub status: String,
    pub runs: i64,
    pub records_in: f64,
    pub records_out: f64,
    pub records_failed: f64,
    pub records_skipped: f64,
    pub duration_seconds: f64,
    /// Runs per duration bucket (not cumulative), the last one unbounded.
    pub duration_buckets: Vec<i64>,
}

/// Every job's tallies.
pub async fn run_tallies(db: impl PgExecutor<'_>) -> Result<Vec<RunTally>, sqlx::Error> {
    sqlx::query_as!(
        RunTally,
        r#"SELECT job, status, runs, records_in::float8 AS "records_in!", records_out::float8 AS "records_out!",
                  records_failed::float8 AS "records_failed!", records_skipped::float8 AS "records_skipped!",
                  duration_seconds, duration_buckets
           FROM sync_run_tally ORDER BY job, status"#
    )
    .fetch_all(db)
    .await
}

/// Deletes up to `limit` runs that finished before `before`, keeping each
/// job's last run and any run a request still points at; returns how many.
pub async fn delete_finished_before(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM sync_run WHERE id IN (
             SELECT r.id FROM sync_run r
             WHERE r.finished_at < $1
               AND NOT EXISTS (SELECT 1 FROM sync_state s WHERE s.last_run_id = r.id)
               AND NOT EXISTS (SELECT 1 FROM sync_request q WHERE q.run_id = r.id)
             LIMIT $2)",
        before,
        limit
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::sync_state::list_sync_states;

    async fn state(pool: &sqlx::PgPool) -> crate::server::store::sync_state::SyncStateRow {
        list_sync_states(pool).await.unwrap().into_iter().find(|s| s.job == "condo").unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn failures_count_up_and_a_success_resets_them(pool: sqlx::PgPool) {
        let failed = RunOutcome::Failed { error: "Condo did not answer".into(), detail: "timeout after 10 s".into() };
        for _ in 0..2 {
            let id = start_run(&pool, Job::CondoImport, "schedule").await.unwrap();
            finish_run(&mut pool.acquire().await.unwrap(), id, RunCounts::default(), None, &failed, None)
                .await
                .unwrap();
        }
        let s = state(&pool).await;
        assert_eq!(s.consecutive_failures, 2);
        assert_eq!(s.last_error.as_deref(), Some("Condo did not answer"));
        assert!(s.last_success_at.is_none());

        let id = start_run(&pool, Job::CondoImport, "manual").await.unwrap();
        let counts = RunCounts { records_in: 10, records_out: 8, records_failed: 0, records_skipped: 2 };
        let mut conn = pool.acquire().await.unwrap();
        finish_run(&mut conn, id, counts, Some("2026-11-01T00:00:00Z#42"), &RunOutcome::Succeeded, None).await.unwrap();
        let s = state(&pool).await;
        assert_eq!(s.consecutive_failures, 0);
        assert!(s.last_success_at.is_some());
        assert_eq!(s.watermark.as_deref(), Some("2026-11-01T00:00:00Z#42"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn recent_runs_come_newest_first_with_their_counts(pool: sqlx::PgPool) {
        let first = start_run(&pool, Job::CocoricoImport, "cli").await.unwrap();
        let second = start_run(&pool, Job::CocoricoImport, "schedule").await.unwrap();
        let counts = RunCounts { records_in: 5, ..RunCounts::default() };
        finish_run(&mut pool.acquire().await.unwrap(), second, counts, None, &RunOutcome::Succeeded, None)
            .await
            .unwrap();
        let runs = list_recent_runs(&pool, Job::CocoricoImport, 10).await.unwrap();
        assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![second, first]);
        assert_eq!(runs[0].records_in, 5);
        assert_eq!(runs[1].status, "running");
        assert!(list_recent_runs(&pool, Job::KillbillMirror, 10).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_history_keeps_the_latest_runs_oldest_first(pool: sqlx::PgPool) {
        let mut ids = Vec::new();
        for _ in 0..5 {
            ids.push(start_run(&pool, Job::CocoricoImport, "schedule").await.unwrap());
        }
        let history = list_run_history(&pool, Job::CocoricoImport, 3).await.unwrap();
        assert_eq!(history.iter().map(|r| r.id).collect::<Vec<_>>(), ids[2..].to_vec());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_scheduled_run_records_its_tick_with_its_end_and_a_tick_finishes_once(pool: sqlx::PgPool) {
        let tick = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let first = start_run(&pool, Job::CondoImport, "schedule").await.unwrap();
        let second = start_run(&pool, Job::CondoImport, "schedule").await.unwrap();
        let ticks = async || -> Vec<Option<DateTime<Utc>>> {
            sqlx::query_scalar("SELECT scheduled_for FROM sync_run ORDER BY id").fetch_all(&pool).await.unwrap()
        };
        assert_eq!(ticks().await, [None, None], "a running run has no tick yet");
        let mut conn = pool.acquire().await.unwrap();
        finish_run(&mut conn, first, RunCounts::default(), None, &RunOutcome::Succeeded, Some(tick)).await.unwrap();
        assert_eq!(ticks().await, [Some(tick), None]);
        let again = finish_run(&mut conn, second, RunCounts::default(), None, &RunOutcome::Succeeded, Some(tick)).await;
        assert!(again.is_err(), "one tick, one finished run");
    }
}
