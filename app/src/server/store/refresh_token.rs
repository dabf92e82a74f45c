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

/// Stores a new token of a family.
pub async fn insert_refresh_token(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO refresh_token (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)",
        id,
        user_id,
        family_id,
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

/// Marks a token used, only if it was not used yet. Returns whether this call
/// was the one that used it (two racing refreshes cannot both win).
pub async fn mark_refresh_token_used(db: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("UPDATE refresh_token SET used_at = now() WHERE id = $1 AND used_at IS NULL", id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Revokes every token of a family.
pub async fn revoke_family(db: impl PgExecutor<'_>, family_id: Uuid) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        family_id
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Revokes every refresh token of a user (a disabled account, a new password).
pub async fn revoke_all_of_user(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", user_id)
            .execute(db)
            .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::app_user::{insert_user_if_absent, tests::user};

    #[sqlx::test(migrations = "../migrations")]
    async fn a_token_is_used_once_and_its_family_can_be_revoked(pool: sqlx::PgPool) {
        insert_user_if_absent(&pool, &user(1, "tenant")).await.unwrap();
        let family = Uuid::from_u128(99);
        let expires = Utc::now() + chrono::Duration::days(30);
        insert_refresh_token(&pool, Uuid::from_u128(5), Uuid::from_u128(1), family, "h1", expires).await.unwrap();
        insert_refresh_token(&pool, Uuid::from_u128(6), Uuid::from_u128(1), family, "h2", expires).await.unwrap();
        assert!(mark_refresh_token_used(&pool, Uuid::from_u128(5)).await.unwrap());
        assert!(!mark_refresh_token_used(&pool, Uuid::from_u128(5)).await.unwrap());
        assert_eq!(revoke_family(&pool, family).await.unwrap(), 2);
        let row = find_refresh_token(&pool, "h2").await.unwrap().unwrap();
        assert!(row.revoked_at.is_some());
        assert!(find_refresh_token(&pool, "nope").await.unwrap().is_none());
    }
}
