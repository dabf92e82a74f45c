//! `login_throttle`: login attempts per key (an account's e-mail digest or a
//! client address) within the window, shared by every replica. Reserving an
//! attempt and checking the limit are one statement on the key's row, so
//! concurrent attempts cannot all slip under the limit.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// Records an attempt `at` for `key` if fewer than `limit` attempts were made
/// within `window_secs` before it (older ones are dropped). `Ok(None)` when
/// it was recorded; `Ok(Some(oldest))` with the oldest attempt still in the
/// window when the key is at its limit (nothing is recorded then).
pub async fn reserve(
    db: &mut sqlx::PgConnection,
    key: &str,
    at: DateTime<Utc>,
    limit: i32,
    window_secs: f64,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let recorded = sqlx::query_scalar!(
        r#"INSERT INTO login_throttle AS t (key, attempts, last_at) VALUES ($1, ARRAY[$2::timestamptz], $2)
           ON CONFLICT (key) DO UPDATE
           SET attempts = ARRAY(SELECT a FROM unnest(t.attempts) a
                                WHERE a > $2::timestamptz - make_interval(secs => $4::float8)) || $2::timestamptz,
               last_at = $2
           WHERE (SELECT count(*) FROM unnest(t.attempts) a
                  WHERE a > $2::timestamptz - make_interval(secs => $4::float8)) < $3::bigint
           RETURNING key"#,
        key,
        at,
        i64::from(limit),
        window_secs
    )
    .fetch_optional(&mut *db)
    .await?;
    if recorded.is_some() {
        return Ok(None);
    }
    let oldest = sqlx::query_scalar!(
        r#"SELECT min(a) AS "oldest" FROM login_throttle, unnest(attempts) a
           WHERE key = $1 AND a > $2::timestamptz - make_interval(secs => $3::float8)"#,
        key,
        at,
        window_secs
    )
    .fetch_one(&mut *db)
    .await?;
    Ok(Some(oldest.unwrap_or(at)))
}

/// Gives back one attempt (a login that succeeded does not count against
/// its address).
pub async fn release(db: impl PgExecutor<'_>, key: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE login_throttle SET attempts = array_remove(attempts, $2) WHERE key = $1", key, at)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets every attempt of a key (an account that just signed in).
pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_throttle WHERE key = $1", key).execute(db).await?;
    Ok(())
}

/// Deletes, in a batch of at most `limit`, keys with no attempt since
/// `before`; how many went.
pub async fn delete_idle_before(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle WHERE last_at < $1 LIMIT $2)",
        before,
        limit
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// How many keys are kept (the memory the limits take).
pub async fn count_keys(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM login_throttle"#).fetch_one(db).await
}
