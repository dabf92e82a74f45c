//! `sync_request`: the "sync now" queue. A request is only queued here; a
//! scheduler loop on any replica claims it (`FOR UPDATE SKIP LOCKED`) together
//! with the job's lease and runs it, never the HTTP request itself.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::Job;

/// A request as stored.
#[derive(Debug, Clone)]
pub struct SyncRequestRow {
    pub id: i64,
    pub job: String,
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub run_id: Option<i64>,
    pub holder: Option<String>,
    pub error: Option<String>,
}

/// A request a worker has claimed.
#[derive(Debug, Clone)]
pub struct ClaimedRequest {
    pub id: i64,
    pub job: String,
    /// `manual`, `webhook` or `follow_up`: the trigger of the run it makes.
    pub trigger: String,
}

/// The channel on which a queued request is announced (`NOTIFY`), so that
/// schedulers start it at once instead of at their next tick.
pub const CHANNEL: &str = "sync_request";

/// Who asked for a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    /// An admin pressed "sync now" (or called the API).
    Admin(Uuid),
    /// A webhook delivery left events to process.
    Webhook,
    /// Another job asked for this one (the mirror asks for a reconciliation).
    FollowUp,
    /// Something written here waits in an outbox (a maintenance request, a comment).
    Outbox,
}

impl Requester {
    /// The `sync_request.trigger` value, also the trigger of the run it makes.
    pub fn trigger(&self) -> &'static str {
        match self {
            Requester::Admin(_) => "manual",
            Requester::Webhook => "webhook",
            Requester::FollowUp => "follow_up",
            Requester::Outbox => "outbox",
        }
    }

    fn user(&self) -> Option<Uuid> {
        match self {
            Requester::Admin(user) => Some(*user),
            Requester::Webhook | Requester::FollowUp | Requester::Outbox => None,
        }
    }
}

/// Queues a run of `job` and returns the request's id. Asking twice queues
/// one run: while a request is waiting, its id is returned again.
pub async fn enqueue(pool: &sqlx::PgPool, job: Job, requester: Requester) -> Result<i64, sqlx::Error> {
    // A concurrent insert may commit between our INSERT and SELECT snapshots;
    // the next attempt then sees it.
    for _ in 0..5 {
        let id = sqlx::query_scalar!(
            r#"WITH ins AS (
                   INSERT INTO sync_request (job, requested_by, trigger) VALUES ($1, $2, $3)
                   ON CONFLICT (job) WHERE status = 'queued' DO NOTHING RETURNING id)
               SELECT id AS "id!" FROM ins
               UNION ALL SELECT id FROM sync_request WHERE job = $1 AND status = 'queued'
               LIMIT 1"#,
            job.as_str(),
            requester.user(),
            requester.trigger()
        )
        .fetch_optional(pool)
        .await?;
        if let Some(id) = id {
            sqlx::query!("SELECT pg_notify($1, $2)", CHANNEL, job.as_str()).execute(pool).await?;
            return Ok(id);
        }
    }
    Err(sqlx::Error::RowNotFound)
}

/// Claims the oldest waiting request of one of `jobs` that no one holds,
/// skipping rows other workers are claiming. The caller takes the job's
/// lease in the same transaction and then calls [`mark_running`].
pub async fn claim_next(conn: &mut PgConnection, jobs: &[String]) -> Result<Option<ClaimedRequest>, sqlx::Error> {
    sqlx::query_as!(
        ClaimedRequest,
        "SELECT r.id, r.job, r.trigger FROM sync_request r
         WHERE r.status = 'queued' AND r.job = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM job_lease l
                           WHERE l.job = r.job AND NOT l.released AND l.expires_at > now())
         ORDER BY r.id LIMIT 1 FOR UPDATE OF r SKIP LOCKED",
        jobs
    )
    .fetch_optional(conn)
    .await
}

/// Records that `holder` started the request.
pub async fn mark_running(db: impl PgExecutor<'_>, id: i64, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_request SET status = 'running', holder = $2, started_at = now(), attempts = attempts + 1
         WHERE id = $1",
        id,
        holder
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records how the request ended and the run it made.
pub async fn finish(
    db: impl PgExecutor<'_>,
    id: i64,
    run_id: Option<i64>,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sync_request SET status = CASE WHEN $3::text IS NULL THEN 'succeeded' ELSE 'failed' END,
             finished_at = now(), run_id = $2, error = $3
         WHERE id = $1",
        id,
        run_id,
        error
    )
    .execute(db)
    .await?;
    Ok(())
}

/// After a holder of `job` crashed: its running request (not one of
/// `current_holder`'s) is queued again (up to three attempts, and unless
/// another one already waits) or failed.
pub async fn requeue_interrupted(db: impl PgExecutor<'_>, job: Job, current_holder: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sync_request r
         SET status = CASE WHEN r.attempts < 3 AND NOT EXISTS (
                 SELECT 1 FROM sync_request q WHERE q.job = r.job AND q.status = 'queued')
             THEN 'queued' ELSE 'failed' END,
             holder = NULL,
             error = 'interrupted: the server running it stopped'
         WHERE r.job = $1 AND r.status = 'running' AND r.holder IS DISTINCT FROM $2",
        job.as_str(),
        current_holder
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// One request, by id.
pub async fn get(db: impl PgExecutor<'_>, id: i64) -> Result<Option<SyncRequestRow>, sqlx::Error> {
    sqlx::query_as!(
        SyncRequestRow,
        "SELECT id, job, status, requested_at, started_at, finished_at, run_id, holder, error
         FROM sync_request WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// The requests waiting or running, oldest first.
pub async fn list_open(db: impl PgExecutor<'_>) -> Result<Vec<SyncRequestRow>, sqlx::Error> {
    sqlx::query_as!(
        SyncRequestRow,
        "SELECT id, job, status, requested_at, started_at, finished_at, run_id, holder, error
         FROM sync_request WHERE status IN ('queued', 'running') ORDER BY id"
    )
    .fetch_all(db)
    .await
}

/// "Sync now" requests per status (for `/metrics`).
pub async fn count_by_status(db: impl PgExecutor<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT status, count(*) AS "n!" FROM sync_request GROUP BY status ORDER BY status"#)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

/// Deletes up to `limit` finished requests made before `before`; returns how many.
pub async fn delete_finished_before(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM sync_request WHERE id IN (
             SELECT id FROM sync_request WHERE status IN ('succeeded', 'failed') AND requested_at < $1 LIMIT $2)",
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

    #[sqlx::test(migrations = "../migrations")]
    async fn pressing_twice_queues_one_request(pool: sqlx::PgPool) {
        let first = enqueue(&pool, Job::CondoImport, Requester::FollowUp).await.unwrap();
        assert_eq!(enqueue(&pool, Job::CondoImport, Requester::FollowUp).await.unwrap(), first);
        let other = enqueue(&pool, Job::CocoricoImport, Requester::Webhook).await.unwrap();
        assert_ne!(other, first);
        let open = list_open(&pool).await.unwrap();
        assert_eq!(open.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first, other]);
        let claimed = claim_next(&mut pool.begin().await.unwrap(), &["cocorico".to_owned()]).await.unwrap().unwrap();
        assert_eq!(claimed.trigger, "webhook", "the run it makes says who asked");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn two_workers_never_claim_the_same_request(pool: sqlx::PgPool) {
        let id = enqueue(&pool, Job::CondoImport, Requester::FollowUp).await.unwrap();
        let jobs = vec!["condo".to_owned()];
        let mut a = pool.begin().await.unwrap();
        let mut b = pool.begin().await.unwrap();
        assert_eq!(claim_next(&mut a, &jobs).await.unwrap().map(|c| c.id), Some(id));
        assert!(claim_next(&mut b, &jobs).await.unwrap().is_none(), "the row is locked: skipped");
        mark_running(&mut *a, id, "a").await.unwrap();
        a.commit().await.unwrap();
        assert!(claim_next(&mut b, &jobs).await.unwrap().is_none(), "running: not queued any more");
        // Once it runs, a new press queues a new request.
        assert_ne!(enqueue(&pool, Job::CondoImport, Requester::FollowUp).await.unwrap(), id);
        finish(&pool, id, None, Some("Condo did not answer")).await.unwrap();
        let row = get(&pool, id).await.unwrap().unwrap();
        assert_eq!((row.status.as_str(), row.error.as_deref()), ("failed", Some("Condo did not answer")));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_request_waits_while_its_job_is_leased(pool: sqlx::PgPool) {
        let id = enqueue(&pool, Job::CocoricoImport, Requester::FollowUp).await.unwrap();
        let ttl = std::time::Duration::from_secs(30);
        super::super::job_lease::try_acquire(&pool, "cocorico", "busy", ttl).await.unwrap().unwrap();
        let jobs = vec!["cocorico".to_owned()];
        assert!(claim_next(&mut pool.acquire().await.unwrap(), &jobs).await.unwrap().is_none());
        super::super::job_lease::release(&pool, "cocorico", "busy").await.unwrap();
        let claimed = claim_next(&mut pool.acquire().await.unwrap(), &jobs).await.unwrap();
        assert_eq!(claimed.map(|c| c.id), Some(id));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_interrupted_request_is_queued_again(pool: sqlx::PgPool) {
        let id = enqueue(&pool, Job::KillbillMirror, Requester::FollowUp).await.unwrap();
        mark_running(&pool, id, "crashed").await.unwrap();
        assert_eq!(requeue_interrupted(&pool, Job::KillbillMirror, "crashed").await.unwrap(), 0, "not its own");
        assert_eq!(requeue_interrupted(&pool, Job::KillbillMirror, "next").await.unwrap(), 1);
        let row = get(&pool, id).await.unwrap().unwrap();
        assert_eq!(row.status, "queued");
        assert_eq!(row.holder, None);
    }
}
