//! `user_token`: invitation and password-reset links. Only a hash of each
//! token is stored; a token is taken once, before it expires.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A link to create.
#[derive(Debug, Clone)]
pub struct NewUserToken<'a> {
    pub user_id: Uuid,
    /// `invitation` or `password_reset`.
    pub purpose: &'a str,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

/// Stores a link's token hash.
pub async fn insert_token(db: impl PgExecutor<'_>, token: &NewUserToken<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO user_token (id, user_id, purpose, token_hash, expires_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        token.user_id,
        token.purpose,
        token.token_hash,
        token.expires_at,
        token.created_by
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Takes a link: marks it used and returns its user and purpose, when it is
/// unused and unexpired (once, even under concurrent attempts).
pub async fn take_token(db: impl PgExecutor<'_>, token_hash: &str) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE user_token SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id, purpose",
        token_hash
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.user_id, r.purpose)))
}

/// Whether a link can still be used (to show the form, or say why not).
pub async fn is_usable(db: impl PgExecutor<'_>, token_hash: &str) -> Result<bool, sqlx::Error> {
    let usable = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM user_token WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now())
           AS "usable!""#,
        token_hash
    )
    .fetch_one(db)
    .await?;
    Ok(usable)
}

/// Expires a user's unused links of one purpose (a new one replaces them).
pub async fn expire_unused(db: impl PgExecutor<'_>, user_id: Uuid, purpose: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE user_token SET expires_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL
           AND expires_at > now()",
        user_id,
        purpose
    )
    .execute(db)
    .await?;
    Ok(())
}
