//! `maintenance_ticket`: repairs and requests on a property, local or imported.

pub mod detail;
pub mod list;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::{TicketPriority, TicketStatus};

/// A ticket as a landlord's list shows it.
#[derive(Debug, Clone)]
pub struct TicketRow {
    pub id: Uuid,
    pub number: Option<i32>,
    pub title: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
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
        r#"SELECT id, number, title, status AS "status: TicketStatus", priority AS "priority: TicketPriority",
                  is_emergency, source_updated_at
           FROM maintenance_ticket
           WHERE property_id = $1 AND deleted_at IS NULL ORDER BY source_updated_at DESC, id"#,
        property_id
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::lease::tests::setup;

    async fn ticket(pool: &sqlx::PgPool, n: u128, status: &str, deleted: bool) {
        sqlx::query(
            "INSERT INTO maintenance_ticket (id, source, external_id, property_id, number, title, status, priority,
                 opened_at, source_updated_at, deleted_at)
             VALUES ($1, 'condo', $2, $3, $4, 'Leaking tap', $5, 'high', now(), now() - ($4 || ' minutes')::interval,
                 CASE WHEN $6 THEN now() END)",
        )
        .bind(Uuid::from_u128(n))
        .bind(format!("condo-ticket-{n}"))
        .bind(Uuid::from_u128(10))
        .bind(n as i32)
        .bind(status)
        .bind(deleted)
        .execute(pool)
        .await
        .unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_property_lists_its_live_tickets_newest_change_first(pool: sqlx::PgPool) {
        setup(&pool).await;
        ticket(&pool, 1, "completed", false).await;
        ticket(&pool, 2, "processing", false).await;
        ticket(&pool, 3, "processing", true).await;
        let listed = list_tickets_of_property(&pool, Uuid::from_u128(10)).await.unwrap();
        let seen: Vec<_> = listed.iter().map(|t| (t.number, t.status, t.priority)).collect();
        assert_eq!(
            seen,
            [
                (Some(1), TicketStatus::Completed, TicketPriority::High),
                (Some(2), TicketStatus::Processing, TicketPriority::High)
            ],
            "the soft-deleted ticket is left out"
        );
    }
}
