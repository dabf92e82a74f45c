//! `session_family`: one row per sign-in. Its refresh tokens rotate under
//! it; revoking it ends the session and (through the `sid` claim) the access
//! tokens it issued.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A sign-in.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Starts a session.
pub async fn insert_session(db: impl PgExecutor<'_>, id: Uuid, user_id: Uuid) -> Result<SessionRow, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        "INSERT INTO session_family (id, user_id) VALUES ($1, $2) RETURNING id, user_id, started_at, revoked_at",
        id,
        user_id
    )
    .fetch_one(db)
    .await
}

/// The session, locked until the transaction ends: refreshes and revocations
/// of one session take turns, so no token is added to a revoked session.
pub async fn lock_session(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        "SELECT id, user_id, started_at, revoked_at FROM session_family WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(db)
    .await
}

/// Revokes a session and its refresh tokens; whether it was live.
pub async fn revoke_session(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"WITH s AS (
               UPDATE session_family SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id
           ), t AS (
               UPDATE refresh_token SET revoked_at = now()
               WHERE family_id IN (SELECT id FROM s) AND revoked_at IS NULL
           )
           SELECT count(*) AS "n!" FROM s"#,
        id
    )
    .fetch_one(db)
    .await?;
    Ok(row == 1)
}

/// Revokes every live session of a user (a disabled account, a new
/// password); how many there were.
pub async fn revoke_sessions_of_user(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH s AS (
               UPDATE session_family SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id
           ), t AS (
               UPDATE refresh_token SET revoked_at = now()
               WHERE user_id = $1 AND revoked_at IS NULL
           )
           SELECT count(*) AS "n!" FROM s"#,
        user_id
    )
    .fetch_one(db)
    .await
}

/// The sessions revoked since `since`: the access tokens they issued may
/// still be unexpired, so they are refused.
pub async fn revoked_since(db: impl PgExecutor<'_>, since: DateTime<Utc>) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM session_family WHERE revoked_at >= $1", since).fetch_all(db).await
}

/// Deletes, in a batch of at most `limit`, sessions that started before
/// `before` and whose refresh tokens have all expired (their tokens go with
/// them); how many went.
pub async fn delete_ended_before(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM session_family WHERE id IN (
             SELECT s.id FROM session_family s
             WHERE s.started_at < $1
               AND NOT EXISTS (SELECT 1 FROM refresh_token t WHERE t.family_id = s.id AND t.expires_at > now())
             LIMIT $2)",
        before,
        limit
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
