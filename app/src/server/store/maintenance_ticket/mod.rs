//! `maintenance_ticket`: repairs and requests on a property, local or imported.

pub mod list;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A ticket as imported or created.
#[derive(Debug, Clone)]
pub struct TicketUpsert {
    pub id: Uuid,
    pub source: String,
    pub external_id: Option<String>,
    pub property_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub number: Option<i32>,
    pub title: String,
    pub details: String,
    pub status: String,
    pub priority: String,
    pub is_emergency: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    pub source_updated_at: DateTime<Utc>,
    pub source_version: i32,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Inserts the ticket, or updates it when this version is newer than the one
/// stored; an older or equal version changes nothing. Returns whether a row was written.
pub async fn upsert_ticket(db: impl PgExecutor<'_>, t: &TicketUpsert) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO maintenance_ticket (id, source, external_id, property_id, unit_id, number, title, details,
             status, priority, is_emergency, deadline_at, opened_at, source_updated_at, source_version, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (source, external_id) DO UPDATE SET
             property_id = EXCLUDED.property_id, unit_id = EXCLUDED.unit_id, number = EXCLUDED.number,
             title = EXCLUDED.title, details = EXCLUDED.details, status = EXCLUDED.status,
             priority = EXCLUDED.priority, is_emergency = EXCLUDED.is_emergency,
             deadline_at = EXCLUDED.deadline_at, source_updated_at = EXCLUDED.source_updated_at,
             source_version = EXCLUDED.source_version, deleted_at = EXCLUDED.deleted_at
         WHERE maintenance_ticket.source_version < EXCLUDED.source_version",
        t.id,
        t.source,
        t.external_id,
        t.property_id,
        t.unit_id,
        t.number,
        t.title,
        t.details,
        t.status,
        t.priority,
        t.is_emergency,
        t.deadline_at,
        t.opened_at,
        t.source_updated_at,
        t.source_version,
        t.deleted_at
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A ticket as a landlord's list shows it.
#[derive(Debug, Clone)]
pub struct TicketRow {
    pub id: Uuid,
    pub number: Option<i32>,
    pub title: String,
    pub status: String,
    pub priority: String,
    pub is_emergency: bool,
    pub source_updated_at: DateTime<Utc>,
}

/// The live tickets of a property, most recently changed first.
pub async fn list_tickets_of_property(
    db: impl PgExecutor<'_>,
    property_id: Uuid,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    sqlx::query_as!(
        TicketRow,
        "SELECT id, number, title, status, priority, is_emergency, source_updated_at FROM maintenance_ticket
         WHERE property_id = $1 AND deleted_at IS NULL ORDER BY source_updated_at DESC, id",
        property_id
    )
    .fetch_all(db)
    .await
}

/// Counts the live (not deleted) tickets of a property per status.
pub async fn count_tickets_by_status(
    db: impl PgExecutor<'_>,
    property_id: Uuid,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT status, count(*) AS "n!" FROM maintenance_ticket
           WHERE property_id = $1 AND deleted_at IS NULL GROUP BY status ORDER BY status"#,
        property_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

/// The stored title and priority of a Condo ticket, if it was imported.
pub async fn find_condo_title_and_priority(
    db: impl PgExecutor<'_>,
    external_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let stored = sqlx::query!(
        "SELECT title, priority FROM maintenance_ticket WHERE source = 'condo' AND external_id = $1",
        external_id
    )
    .fetch_optional(db)
    .await?;
    Ok(stored.map(|s| (s.title, s.priority)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::lease::tests::setup;

    fn ticket(version: i32, status: &str) -> TicketUpsert {
        TicketUpsert {
            id: Uuid::from_u128(7000 + version as u128),
            source: "condo".into(),
            external_id: Some("condo-ticket-1".into()),
            property_id: Uuid::from_u128(10),
            unit_id: None,
            number: Some(1),
            title: "Leaking tap".into(),
            details: "Kitchen".into(),
            status: status.into(),
            priority: "normal".into(),
            is_emergency: false,
            deadline_at: None,
            opened_at: Utc::now(),
            source_updated_at: Utc::now(),
            source_version: version,
            deleted_at: None,
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_newer_version_updates_and_an_older_one_is_ignored(pool: sqlx::PgPool) {
        setup(&pool).await;
        assert!(upsert_ticket(&pool, &ticket(1, "new_or_reopened")).await.unwrap());
        assert!(upsert_ticket(&pool, &ticket(3, "completed")).await.unwrap());
        assert!(!upsert_ticket(&pool, &ticket(2, "processing")).await.unwrap());
        assert!(!upsert_ticket(&pool, &ticket(3, "completed")).await.unwrap());
        let counts = count_tickets_by_status(&pool, Uuid::from_u128(10)).await.unwrap();
        assert_eq!(counts, vec![("completed".to_owned(), 1)]);
        let listed = list_tickets_of_property(&pool, Uuid::from_u128(10)).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].status, "completed");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_soft_deleted_ticket_is_kept_but_not_counted(pool: sqlx::PgPool) {
        setup(&pool).await;
        upsert_ticket(&pool, &ticket(1, "processing")).await.unwrap();
        let mut deleted = ticket(2, "processing");
        deleted.deleted_at = Some(Utc::now());
        assert!(upsert_ticket(&pool, &deleted).await.unwrap());
        assert!(count_tickets_by_status(&pool, Uuid::from_u128(10)).await.unwrap().is_empty());
        let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM maintenance_ticket").fetch_one(&pool).await.unwrap();
        assert_eq!(kept, 1);
    }
}
