//! `refresh_token`: hashed refresh tokens, one family per sign-in, so that a
//! reused token can revoke everything issued after it.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A stored refresh token (its hash, never the token).
#[derive(Debug, Clone)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The successor of a used token, as a parallel refresh needs it.
#[derive(Debug, Clone)]
pub struct ChildRow {
    pub token_hash: String,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new token of a session; `parent` is the token it replaces.
pub async fn insert_refresh_token(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    parent: Option<Uuid>,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO refresh_token (id, user_id, family_id, parent_id, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        user_id,
        family_id,
        parent,
        token_hash,
        expires_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The token with this hash, if any.
pub async fn find_refresh_token(
    db: impl PgExecutor<'_>,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, sqlx::Error> {
    sqlx::query_as!(
        RefreshTokenRow,
        "SELECT id, user_id, family_id, expires_at, used_at, revoked_at FROM refresh_token WHERE token_hash = $1",
        token_hash
    )
    .fetch_optional(db)
    .await
}

/// The token that replaced this one, if it was used.
pub async fn find_child(db: impl PgExecutor<'_>, parent: Uuid) -> Result<Option<ChildRow>, sqlx::Error> {
    sqlx::query_as!(
        ChildRow,
        "SELECT token_hash, used_at, revoked_at, expires_at FROM refresh_token WHERE parent_id = $1
         ORDER BY created_at LIMIT 1",
        parent
    )
    .fetch_optional(db)
    .await
}

/// Marks a token used, only if it was not used yet. Returns whether this call
/// was the one that used it (two racing refreshes cannot both win).
pub async fn mark_refresh_token_used(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("UPDATE refresh_token SET used_at = now() WHERE id = $1 AND used_at IS NULL", id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::app_user::{insert_user_if_absent, tests::user};
    use crate::server::store::session_family::{insert_session, revoke_session};

    #[sqlx::test(migrations = "../migrations")]
    async fn a_token_is_used_once_and_its_session_can_be_revoked(pool: sqlx::PgPool) {
        insert_user_if_absent(&pool, &user(1, "tenant")).await.unwrap();
        let family = Uuid::from_u128(99);
        insert_session(&pool, family, Uuid::from_u128(1)).await.unwrap();
        let expires = Utc::now() + chrono::Duration::days(30);
        let (first, second) = (Uuid::from_u128(5), Uuid::from_u128(6));
        insert_refresh_token(&pool, first, Uuid::from_u128(1), family, None, "h1", expires).await.unwrap();
        insert_refresh_token(&pool, second, Uuid::from_u128(1), family, Some(first), "h2", expires).await.unwrap();
        assert!(mark_refresh_token_used(&pool, first).await.unwrap());
        assert!(!mark_refresh_token_used(&pool, first).await.unwrap());
        assert_eq!(find_child(&pool, first).await.unwrap().unwrap().token_hash, "h2");
        assert!(find_child(&pool, second).await.unwrap().is_none());
        assert!(revoke_session(&pool, family).await.unwrap());
        assert!(!revoke_session(&pool, family).await.unwrap(), "already revoked");
        let row = find_refresh_token(&pool, "h2").await.unwrap().unwrap();
        assert!(row.revoked_at.is_some());
        assert!(find_refresh_token(&pool, "nope").await.unwrap().is_none());
    }
}
