//! `audit_log`: every change made through the back office, the API or the
//! CLI, with who made it and the record before and after. Append-only (a
//! trigger refuses updates and deletes).

use sqlx::PgExecutor;
use uuid::Uuid;

/// One change to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// The signed-in user who made it (`None`: the CLI or the scheduler).
    pub actor_id: Option<Uuid>,
    /// Who, in words: an e-mail, `cli`, `schedule`.
    pub actor: &'a str,
    /// What was done (`billing.run`, `lease.create`, …).
    pub action: &'a str,
    /// The kind of record (`invoice`, `lease`, …).
    pub entity: &'a str,
    /// Which record, when there is one.
    pub entity_id: Option<String>,
    /// The record before the change.
    pub before: Option<serde_json::Value>,
    /// The record after it.
    pub after: Option<serde_json::Value>,
}

/// Appends one entry, in the caller's transaction when given one.
pub async fn record(db: impl PgExecutor<'_>, entry: &AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, actor, action, entity, entity_id, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        entry.actor_id,
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.before,
        entry.after
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A recorded change.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The latest changes, newest first: all of them, one kind of record's, or
/// one record's.
pub async fn list_for(
    db: impl PgExecutor<'_>,
    entity: Option<&str>,
    entity_id: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as!(
        AuditRow,
        "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log
         WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2)
         ORDER BY at DESC, id DESC LIMIT $3",
        entity,
        entity_id,
        limit
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../migrations")]
    async fn entries_are_kept_and_never_changed(pool: sqlx::PgPool) {
        let entry = AuditEntry {
            actor_id: None,
            actor: "cli",
            action: "billing.run",
            entity: "billing_period",
            entity_id: Some("2026-12".into()),
            before: None,
            after: Some(serde_json::json!({ "created": 3 })),
        };
        record(&pool, &entry).await.unwrap();
        let rows = list_for(&pool, Some("billing_period"), Some("2026-12"), 10).await.unwrap();
        assert_eq!(list_for(&pool, None, None, 10).await.unwrap().len(), 1);
        assert!(list_for(&pool, Some("lease"), None, 10).await.unwrap().is_empty());
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].actor.as_str(), rows[0].action.as_str()), ("cli", "billing.run"));
        let changed = sqlx::query("UPDATE audit_log SET actor = 'someone else'").execute(&pool).await;
        assert!(changed.is_err(), "append-only");
        assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err(), "append-only");
    }
}
