//! `job_lease`: one row per scheduled job naming the server that may run it
//! until `expires_at`. Taking a lease is one atomic upsert that only succeeds
//! when the current one was released or has expired, so with any number of
//! replicas a job runs in one place at a time; a crashed holder's lease simply
//! expires and another server takes over.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use std::time::Duration;

/// A lease just taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acquired {
    /// Set when the previous holder neither finished nor released: its lease
    /// expired at this time (it crashed or lost the database).
    pub taken_over_from: Option<(String, DateTime<Utc>)>,
}

/// A lease as stored.
#[derive(Debug, Clone)]
pub struct LeaseRow {
    pub job: String,
    pub holder: String,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub released: bool,
}

impl LeaseRow {
    /// Whether a server holds it at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        !self.released && self.expires_at > now
    }
}

/// Takes the lease of `job` for `holder` for `ttl`, unless another holder's
/// lease is still valid (then `None`). Not re-entrant: a holder cannot take
/// its own valid lease twice.
pub async fn try_acquire(
    db: impl PgExecutor<'_>,
    job: &str,
    holder: &str,
    ttl: Duration,
) -> Result<Option<Acquired>, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH prev AS (SELECT holder, expires_at, released FROM job_lease WHERE job = $1)
           INSERT INTO job_lease (job, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
           ON CONFLICT (job) DO UPDATE
               SET holder = EXCLUDED.holder, acquired_at = now(), expires_at = EXCLUDED.expires_at, released = false
               WHERE job_lease.released OR job_lease.expires_at < now()
           RETURNING (SELECT holder FROM prev WHERE NOT released) AS "previous_holder?",
                     (SELECT expires_at FROM prev WHERE NOT released) AS "previous_expiry?""#,
        job,
        holder,
        ttl.as_secs_f64()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Acquired { taken_over_from: r.previous_holder.zip(r.previous_expiry) }))
}

/// Extends a lease this holder still has; `false` when it was lost.
pub async fn renew(db: impl PgExecutor<'_>, job: &str, holder: &str, ttl: Duration) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE job_lease SET expires_at = now() + make_interval(secs => $3)
         WHERE job = $1 AND holder = $2 AND NOT released AND expires_at >= now()",
        job,
        holder,
        ttl.as_secs_f64()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a lease back so the job may run elsewhere at once.
pub async fn release(db: impl PgExecutor<'_>, job: &str, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE job_lease SET released = true, expires_at = LEAST(expires_at, now())
         WHERE job = $1 AND holder = $2 AND NOT released",
        job,
        holder
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Every lease, by job.
pub async fn list_leases(db: impl PgExecutor<'_>) -> Result<Vec<LeaseRow>, sqlx::Error> {
    sqlx::query_as!(LeaseRow, "SELECT job, holder, acquired_at, expires_at, released FROM job_lease ORDER BY job")
        .fetch_all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(30);

    #[sqlx::test(migrations = "../migrations")]
    async fn one_holder_at_a_time_until_release(pool: sqlx::PgPool) {
        let first = try_acquire(&pool, "sync:condo", "a", TTL).await.unwrap();
        assert_eq!(first, Some(Acquired { taken_over_from: None }));
        assert_eq!(try_acquire(&pool, "sync:condo", "b", TTL).await.unwrap(), None);
        assert_eq!(try_acquire(&pool, "sync:condo", "a", TTL).await.unwrap(), None, "not re-entrant");
        assert!(try_acquire(&pool, "sync:cocorico", "b", TTL).await.unwrap().is_some(), "jobs are independent");
        assert!(renew(&pool, "sync:condo", "a", TTL).await.unwrap());
        assert!(!renew(&pool, "sync:condo", "b", TTL).await.unwrap());
        release(&pool, "sync:condo", "b").await.unwrap();
        assert_eq!(try_acquire(&pool, "sync:condo", "b", TTL).await.unwrap(), None, "only the holder releases");
        release(&pool, "sync:condo", "a").await.unwrap();
        let second = try_acquire(&pool, "sync:condo", "b", TTL).await.unwrap();
        assert_eq!(second, Some(Acquired { taken_over_from: None }), "a released lease is no takeover");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_expired_lease_is_taken_over_and_its_holder_cannot_renew(pool: sqlx::PgPool) {
        try_acquire(&pool, "sync:killbill", "crashed", Duration::from_millis(50)).await.unwrap().unwrap();
        tokio::time::sleep(Duration::from_millis(80)).await;
        let taken = try_acquire(&pool, "sync:killbill", "next", TTL).await.unwrap().unwrap();
        assert_eq!(taken.taken_over_from.map(|(holder, _)| holder).as_deref(), Some("crashed"));
        assert!(!renew(&pool, "sync:killbill", "crashed", TTL).await.unwrap());
        let leases = list_leases(&pool).await.unwrap();
        assert_eq!(leases[0].holder, "next");
        assert!(leases[0].is_active(Utc::now()));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn racing_holders_get_exactly_one_lease(pool: sqlx::PgPool) {
        let tries = (0..16).map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move { try_acquire(&pool, "sync:condo", &format!("h{i}"), TTL).await.unwrap() })
        });
        let won = futures::future::join_all(tries).await.into_iter().filter(|r| r.as_ref().unwrap().is_some()).count();
        assert_eq!(won, 1);
    }
}
