//! `killbill_quarantine`: records Kill Bill refused for good, held out of the
//! mirror until an admin retries or skips them.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A record the mirror must leave alone, or try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub entity: String,
    pub local_id: Uuid,
    /// `held`, `retry` or `skipped`.
    pub state: String,
}

/// A refusal to keep.
#[derive(Debug, Clone)]
pub struct Refusal<'a> {
    pub entity: &'a str,
    pub local_id: Uuid,
    pub tenant_id: Uuid,
    pub label: &'a str,
    pub http_status: Option<i32>,
    pub code: Option<i64>,
    pub message: &'a str,
}

/// A quarantined record as the panel and the API list it.
#[derive(Debug, Clone)]
pub struct QuarantineRow {
    pub id: i64,
    pub entity: String,
    pub local_id: Uuid,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub label: String,
    pub http_status: Option<i32>,
    pub code: Option<i64>,
    pub message: String,
    pub state: String,
    pub attempts: i32,
    pub first_refused_at: DateTime<Utc>,
    pub last_refused_at: DateTime<Utc>,
}

/// The quarantined records of a tenant (every state).
pub async fn of_tenant(db: impl PgExecutor<'_>, tenant_id: Uuid) -> Result<Vec<Held>, sqlx::Error> {
    sqlx::query_as!(Held, "SELECT entity, local_id, state FROM killbill_quarantine WHERE tenant_id = $1", tenant_id)
        .fetch_all(db)
        .await
}

/// Holds a refused record (again: one more attempt, the latest refusal).
pub async fn hold(db: impl PgExecutor<'_>, refusal: &Refusal<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO killbill_quarantine (entity, local_id, tenant_id, label, http_status, code, message)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (entity, local_id) DO UPDATE
         SET label = EXCLUDED.label, http_status = EXCLUDED.http_status, code = EXCLUDED.code,
             message = EXCLUDED.message, state = 'held', attempts = killbill_quarantine.attempts + 1,
             last_refused_at = now(), updated_at = now()",
        refusal.entity,
        refusal.local_id,
        refusal.tenant_id,
        refusal.label,
        refusal.http_status,
        refusal.code,
        refusal.message
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a record that went through on retry.
pub async fn release(db: impl PgExecutor<'_>, entity: &str, local_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM killbill_quarantine WHERE entity = $1 AND local_id = $2", entity, local_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Every quarantined record, held ones first, newest refusal first.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<QuarantineRow>, sqlx::Error> {
    sqlx::query_as!(
        QuarantineRow,
        r#"SELECT q.id, q.entity, q.local_id, q.tenant_id, u.display_name AS tenant_name, q.label,
                  q.http_status, q.code, q.message, q.state, q.attempts, q.first_refused_at, q.last_refused_at
           FROM killbill_quarantine q JOIN app_user u ON u.id = q.tenant_id
           ORDER BY q.state = 'skipped', q.last_refused_at DESC, q.id DESC
           LIMIT 500"#
    )
    .fetch_all(db)
    .await
}

/// Sets the state of one quarantined record; its label, or `None` when
/// there is no such record.
pub async fn set_state(db: impl PgExecutor<'_>, id: i64, state: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE killbill_quarantine SET state = $2, updated_at = now() WHERE id = $1 RETURNING label",
        id,
        state
    )
    .fetch_optional(db)
    .await
}
