//! `webhook_event`: every webhook delivery we accepted, stored before it is
//! processed and deduplicated on its source's key.

use sqlx::PgExecutor;

/// A delivery to store.
#[derive(Debug, Clone)]
pub struct NewWebhookEvent {
    pub source: String,
    pub dedupe_key: String,
    pub verification: String,
    pub payload: serde_json::Value,
}

/// A stored delivery waiting to be processed.
#[derive(Debug, Clone)]
pub struct PendingEvent {
    pub id: i64,
    pub source: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Stores the event unless its dedupe key was seen. Returns the new id, or
/// `None` for a duplicate.
pub async fn insert_event_if_new(db: impl PgExecutor<'_>, e: &NewWebhookEvent) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO webhook_event (source, dedupe_key, verification, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING id",
        e.source,
        e.dedupe_key,
        e.verification,
        e.payload
    )
    .fetch_optional(db)
    .await
}

/// Claims up to `limit` pending events of `source` (counting the attempt);
/// rows locked by another transaction are skipped, so replicas never process
/// one twice.
pub async fn claim_pending_events_of(
    db: impl PgExecutor<'_>,
    source: &str,
    limit: i64,
) -> Result<Vec<PendingEvent>, sqlx::Error> {
    sqlx::query_as!(
        PendingEvent,
        "UPDATE webhook_event SET attempts = attempts + 1
         WHERE id IN (SELECT id FROM webhook_event WHERE source = $1 AND processed_at IS NULL AND attempts < 10
                      ORDER BY received_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, source, payload, attempts",
        source,
        limit
    )
    .fetch_all(db)
    .await
}

/// The events of `source` waiting to be processed (not given up on).
pub async fn count_pending_of(db: impl PgExecutor<'_>, source: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM webhook_event WHERE source = $1 AND processed_at IS NULL AND attempts < 10"#,
        source
    )
    .fetch_one(db)
    .await
}

/// Records what processing an event concluded, in plain words.
pub async fn record_outcome(db: impl PgExecutor<'_>, id: i64, outcome: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE webhook_event SET outcome = $2 WHERE id = $1", id, outcome).execute(db).await?;
    Ok(())
}

/// Marks an event done, or records why it failed (it will be retried).
pub async fn finish_event(db: impl PgExecutor<'_>, id: i64, error: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_event SET processed_at = CASE WHEN $2::text IS NULL THEN now() END, error = $2 WHERE id = $1",
        id,
        error
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks an event processed with how it ended (`applied`, `stale`, `unlinked`, `rejected`)
/// and, for a rejected one, why. It is not retried.
pub async fn finish_event_with_outcome(
    db: impl PgExecutor<'_>,
    id: i64,
    outcome: &str,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_event SET processed_at = now(), outcome = $2, error = $3 WHERE id = $1",
        id,
        outcome,
        error
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Stored events per source and processing state (`pending`, `retrying`,
/// `processed`, `given_up`), for `/metrics`.
pub async fn count_by_state(db: impl PgExecutor<'_>) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT source, CASE WHEN processed_at IS NOT NULL THEN 'processed'
                               WHEN attempts >= 10 THEN 'given_up'
                               WHEN error IS NOT NULL THEN 'retrying'
                               ELSE 'pending' END AS "state!",
                  count(*) AS "n!"
           FROM webhook_event GROUP BY 1, 2 ORDER BY 1, 2"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.source, r.state, r.n)).collect())
}

/// Deletes up to `limit` events processed before `before` (pending and
/// failing ones stay); returns how many.
pub async fn delete_processed_before(
    db: impl PgExecutor<'_>,
    before: chrono::DateTime<chrono::Utc>,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM webhook_event WHERE id IN (
             SELECT id FROM webhook_event WHERE processed_at < $1 LIMIT $2)",
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

    fn event(key: &str) -> NewWebhookEvent {
        NewWebhookEvent {
            source: "condo".into(),
            dedupe_key: key.into(),
            verification: "token".into(),
            payload: serde_json::json!({ "id": key }),
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_duplicate_delivery_is_stored_once(pool: sqlx::PgPool) {
        assert!(insert_event_if_new(&pool, &event("t1:v1")).await.unwrap().is_some());
        assert!(insert_event_if_new(&pool, &event("t1:v1")).await.unwrap().is_none());
        assert!(insert_event_if_new(&pool, &event("t1:v2")).await.unwrap().is_some());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn two_workers_never_claim_the_same_event(pool: sqlx::PgPool) {
        for i in 0..4 {
            insert_event_if_new(&pool, &event(&format!("k{i}"))).await.unwrap();
        }
        let mut first = pool.begin().await.unwrap();
        let a = claim_pending_events_of(&mut *first, "condo", 3).await.unwrap();
        let b = claim_pending_events_of(&pool, "condo", 3).await.unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(b.len(), 1, "locked rows are skipped");
        assert!(a.iter().all(|x| x.id != b[0].id));
        first.commit().await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_failed_event_stays_pending_and_a_processed_one_does_not(pool: sqlx::PgPool) {
        let ok = insert_event_if_new(&pool, &event("ok")).await.unwrap().unwrap();
        let bad = insert_event_if_new(&pool, &event("bad")).await.unwrap().unwrap();
        finish_event(&pool, ok, None).await.unwrap();
        finish_event(&pool, bad, Some("unknown property")).await.unwrap();
        let pending = claim_pending_events_of(&pool, "condo", 10).await.unwrap();
        assert_eq!(pending.iter().map(|e| e.id).collect::<Vec<_>>(), vec![bad]);
    }
}
