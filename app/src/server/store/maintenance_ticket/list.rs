//! Maintenance tickets as callers list and read them, always within a [`TicketScope`]:
//! landlords see their properties' tickets, tenants those of the units they rent now (and
//! of the common areas of those buildings), admins all. Soft-deleted tickets are never shown.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::{TicketPriority, TicketQuery, TicketStatus};

/// Whose tickets a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketScope {
    /// Every ticket (admins).
    All,
    /// Tickets of this landlord's properties.
    Landlord(Uuid),
    /// Tickets of the units this tenant rents now, and their buildings' common areas.
    Tenant(Uuid),
}

impl TicketScope {
    fn landlord(self) -> Option<Uuid> {
        if let TicketScope::Landlord(id) = self { Some(id) } else { None }
    }

    fn tenant(self) -> Option<Uuid> {
        if let TicketScope::Tenant(id) = self { Some(id) } else { None }
    }
}

/// A ticket in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketListRow {
    pub id: Uuid,
    pub source: String,
    pub number: Option<i32>,
    pub title: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub is_emergency: bool,
    /// Open and past its deadline.
    pub overdue: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    pub source_updated_at: DateTime<Utc>,
    pub property_id: Uuid,
    pub property_name: String,
    pub unit_id: Option<Uuid>,
    pub unit_label: Option<String>,
}

/// The stored names of a filter's values; `None` (no filter) when there are none.
fn names<T>(values: &[T], name: fn(&T) -> &'static str) -> Option<Vec<String>> {
    (!values.is_empty()).then(|| values.iter().map(|v| name(v).to_owned()).collect())
}

/// One page of the tickets matching `query` in `scope`.
pub async fn list_tickets(
    db: impl PgExecutor<'_>,
    scope: TicketScope,
    query: &TicketQuery,
) -> Result<Vec<TicketListRow>, sqlx::Error> {
    let statuses = names(&query.statuses, |s| s.as_str());
    let priorities = names(&query.priorities, |p| p.as_str());
    sqlx::query_as!(
        TicketListRow,
        r#"SELECT t.id, t.source, t.number, t.title, t.status AS "status: TicketStatus",
                  t.priority AS "priority: TicketPriority", t.is_emergency,
                  (t.deadline_at IS NOT NULL AND t.deadline_at < now()
                   AND t.status IN ('new_or_reopened', 'processing', 'deferred')) AS "overdue!",
                  t.deadline_at, t.opened_at, t.source_updated_at, p.id AS property_id, p.name AS property_name,
                  u.id AS "unit_id?", u.label AS "unit_label?"
           FROM maintenance_ticket t
           JOIN property p ON p.id = t.property_id
           LEFT JOIN unit u ON u.id = t.unit_id
           WHERE t.deleted_at IS NULL
             AND ($1::uuid IS NULL OR p.landlord_id = $1)
             AND ($2::uuid IS NULL OR EXISTS (
                 SELECT 1 FROM lease l JOIN unit lu ON lu.id = l.unit_id
                 WHERE l.tenant_id = $2 AND lu.property_id = t.property_id
                   AND (t.unit_id IS NULL OR t.unit_id = l.unit_id)
                   AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)))
             AND ($3::text[] IS NULL OR t.status = ANY($3))
             AND ($4::text[] IS NULL OR t.priority = ANY($4))
             AND ($5::bool IS NULL OR t.is_emergency = $5)
             AND ($6::uuid IS NULL OR t.property_id = $6)
             AND ($7::timestamptz IS NULL OR t.source_updated_at >= $7)
             AND ($8::bool IS NULL OR (t.deadline_at IS NOT NULL AND t.deadline_at < now()
                  AND t.status IN ('new_or_reopened', 'processing', 'deferred')) = $8)
           ORDER BY
             CASE WHEN $9 = 'updated' THEN t.source_updated_at END ASC,
             CASE WHEN $9 = 'priority' THEN array_position(ARRAY['urgent', 'high', 'normal', 'low'], t.priority) END ASC,
             CASE WHEN $9 = 'deadline' THEN t.deadline_at END ASC NULLS LAST,
             CASE WHEN $9 = 'number_desc' THEN t.number END DESC NULLS LAST,
             t.source_updated_at DESC, t.id
           LIMIT $10 OFFSET $11"#,
        scope.landlord(),
        scope.tenant(),
        statuses.as_deref(),
        priorities.as_deref(),
        query.emergency,
        query.property,
        query.updated_since,
        query.overdue,
        query.sort.key(),
        query.page.limit(),
        query.page.offset()
    )
    .fetch_all(db)
    .await
}

/// How many tickets match `query` in `scope` per status, every status filter aside (the
/// page shows them all, and the total is the sum over the statuses asked for).
pub async fn count_tickets_by_status(
    db: impl PgExecutor<'_>,
    scope: TicketScope,
    query: &TicketQuery,
) -> Result<Vec<(TicketStatus, i64)>, sqlx::Error> {
    let priorities = names(&query.priorities, |p| p.as_str());
    let rows = sqlx::query!(
        r#"SELECT t.status AS "status: TicketStatus", count(*) AS "n!"
           FROM maintenance_ticket t
           JOIN property p ON p.id = t.property_id
           WHERE t.deleted_at IS NULL
             AND ($1::uuid IS NULL OR p.landlord_id = $1)
             AND ($2::uuid IS NULL OR EXISTS (
                 SELECT 1 FROM lease l JOIN unit lu ON lu.id = l.unit_id
                 WHERE l.tenant_id = $2 AND lu.property_id = t.property_id
                   AND (t.unit_id IS NULL OR t.unit_id = l.unit_id)
                   AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)))
             AND ($3::text[] IS NULL OR t.priority = ANY($3))
             AND ($4::bool IS NULL OR t.is_emergency = $4)
             AND ($5::uuid IS NULL OR t.property_id = $5)
             AND ($6::timestamptz IS NULL OR t.source_updated_at >= $6)
             AND ($7::bool IS NULL OR (t.deadline_at IS NOT NULL AND t.deadline_at < now()
                  AND t.status IN ('new_or_reopened', 'processing', 'deferred')) = $7)
           GROUP BY t.status"#,
        scope.landlord(),
        scope.tenant(),
        priorities.as_deref(),
        query.emergency,
        query.property,
        query.updated_since,
        query.overdue
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

/// Everything the ticket page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketDetailRow {
    pub id: Uuid,
    pub source: String,
    pub external_id: Option<String>,
    pub number: Option<i32>,
    pub title: String,
    pub details: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub is_emergency: bool,
    pub overdue: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    pub source_updated_at: DateTime<Utc>,
    pub source_version: i32,
    /// `[{status, at}]`, oldest first, as imported.
    pub status_history: serde_json::Value,
    pub property_id: Uuid,
    pub property_name: String,
    pub property_address: String,
    pub property_city: String,
    pub unit_id: Option<Uuid>,
    pub unit_label: Option<String>,
    pub unit_section: Option<String>,
    pub unit_floor: Option<String>,
    pub status_reason: Option<String>,
    pub assignee_name: Option<String>,
    pub executor_name: Option<String>,
    pub category_id: Option<String>,
    pub category_place: Option<String>,
    pub category_name: Option<String>,
    pub category_problem: Option<String>,
}

/// One ticket, only if it is visible in `scope`.
pub async fn find_ticket(
    db: impl PgExecutor<'_>,
    scope: TicketScope,
    id: Uuid,
) -> Result<Option<TicketDetailRow>, sqlx::Error> {
    sqlx::query_as!(
        TicketDetailRow,
        r#"SELECT t.id, t.source, t.external_id, t.number, t.title, t.details, t.status AS "status: TicketStatus",
                  t.priority AS "priority: TicketPriority", t.is_emergency,
                  (t.deadline_at IS NOT NULL AND t.deadline_at < now()
                   AND t.status IN ('new_or_reopened', 'processing', 'deferred')) AS "overdue!",
                  t.deadline_at, t.opened_at, t.source_updated_at, t.source_version, t.status_history,
                  p.id AS property_id, p.name AS property_name, p.address_line AS property_address,
                  p.city AS property_city, u.id AS "unit_id?", u.label AS "unit_label?",
                  u.section AS "unit_section?", u.floor AS "unit_floor?", t.status_reason, t.assignee_name,
                  t.executor_name, t.category_id, c.place AS "category_place?", c.category AS "category_name?",
                  c.problem AS "category_problem?"
           FROM maintenance_ticket t
           JOIN property p ON p.id = t.property_id
           LEFT JOIN unit u ON u.id = t.unit_id
           LEFT JOIN maintenance_category c ON c.id = t.category_id
           WHERE t.id = $1 AND t.deleted_at IS NULL
             AND ($2::uuid IS NULL OR p.landlord_id = $2)
             AND ($3::uuid IS NULL OR EXISTS (
                 SELECT 1 FROM lease l JOIN unit lu ON lu.id = l.unit_id
                 WHERE l.tenant_id = $3 AND lu.property_id = t.property_id
                   AND (t.unit_id IS NULL OR t.unit_id = l.unit_id)
                   AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)))"#,
        id,
        scope.landlord(),
        scope.tenant()
    )
    .fetch_optional(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TicketParams;
    use crate::server::store::lease::tests::setup;

    async fn ticket(pool: &sqlx::PgPool, n: u128, property: u128, status: &str, priority: &str, deadline: &str) {
        sqlx::query(
            "INSERT INTO maintenance_ticket (id, source, property_id, number, title, status, priority, deadline_at,
                 opened_at, source_updated_at)
             VALUES ($1, 'local', $2, $3, $4, $5, $6, now() + $7::interval, now(), now() - ($3 || ' minutes')::interval)",
        )
        .bind(Uuid::from_u128(n))
        .bind(Uuid::from_u128(property))
        .bind(n as i32)
        .bind(format!("Ticket {n}"))
        .bind(status)
        .bind(priority)
        .bind(deadline)
        .execute(pool)
        .await
        .unwrap();
    }

    fn query(pairs: &[(&str, &str)]) -> TicketQuery {
        let params =
            TicketParams::from_lookup(|k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned()));
        TicketQuery::parse(&params).unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn filters_sorts_and_overdue_work_in_sql(pool: sqlx::PgPool) {
        setup(&pool).await;
        ticket(&pool, 1, 10, "processing", "urgent", "-1 day").await;
        ticket(&pool, 2, 10, "completed", "low", "-1 day").await;
        ticket(&pool, 3, 10, "new_or_reopened", "normal", "2 days").await;
        let all = TicketScope::All;
        let ids = |rows: Vec<TicketListRow>| rows.into_iter().map(|r| r.number.unwrap()).collect::<Vec<_>>();
        assert_eq!(ids(list_tickets(&pool, all, &query(&[])).await.unwrap()), [1, 2, 3]);
        assert_eq!(ids(list_tickets(&pool, all, &query(&[("sort", "updated")])).await.unwrap()), [3, 2, 1]);
        assert_eq!(ids(list_tickets(&pool, all, &query(&[("sort", "number_desc")])).await.unwrap()), [3, 2, 1]);
        assert_eq!(
            ids(list_tickets(&pool, all, &query(&[("overdue", "true")])).await.unwrap()),
            [1],
            "completed is not overdue"
        );
        assert_eq!(ids(list_tickets(&pool, all, &query(&[("status", "completed,processing")])).await.unwrap()), [1, 2]);
        let counts = count_tickets_by_status(&pool, all, &query(&[("priority", "urgent,normal")])).await.unwrap();
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort();
        assert_eq!(counts, [(TicketStatus::NewOrReopened, 1), (TicketStatus::Processing, 1)]);
        assert!(find_ticket(&pool, all, Uuid::from_u128(1)).await.unwrap().unwrap().overdue);
    }
}
