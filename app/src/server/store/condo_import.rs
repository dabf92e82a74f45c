//! The Condo import's SQL: property links (`external_ref`, platform `condo`, entity
//! `property`), batched unit and ticket upserts, and the ticket watermark.
//!
//! Properties are matched ONLY through links an admin creates; nothing is guessed from
//! names or addresses. Without the application, an admin links a property with:
//!
//! ```sql
//! BEGIN;
//! INSERT INTO external_ref (platform, entity, local_id, external_id)
//! VALUES ('condo', 'property', '<our property id>', '<Condo Property.id>');
//! -- re-read every ticket once, so tickets of the newly linked property are imported
//! UPDATE sync_state SET watermark = NULL WHERE job = 'condo';
//! COMMIT;
//! ```
//!
//! [`link_condo_property`] does the same in one statement.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use std::collections::HashMap;
use uuid::Uuid;

use super::external_ref::{LinkOutcome, find_external_id};
use crate::domain::Platform;
use crate::domain::{TicketPriority, TicketStatus};

/// The `external_ref.entity` of Condo properties.
pub const PROPERTY_ENTITY: &str = "property";

/// Links our property to a Condo property. A new link clears the ticket watermark in the
/// same statement, so the next run re-reads every ticket and picks up this property's.
pub async fn link_condo_property(
    db: impl PgExecutor<'_> + Copy,
    local_property_id: Uuid,
    condo_property_id: &str,
) -> Result<LinkOutcome, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        r#"WITH inserted AS (
             INSERT INTO external_ref (platform, entity, local_id, external_id) VALUES ('condo', $1, $2, $3)
             ON CONFLICT DO NOTHING RETURNING id),
           reset AS (
             UPDATE sync_state SET watermark = NULL, updated_at = now()
             WHERE job = 'condo' AND EXISTS (SELECT 1 FROM inserted))
           SELECT count(*) AS "n!" FROM inserted"#,
        PROPERTY_ENTITY,
        local_property_id,
        condo_property_id
    )
    .fetch_one(db)
    .await?;
    if inserted == 1 {
        return Ok(LinkOutcome::Created);
    }
    let existing = find_external_id(db, Platform::Condo, PROPERTY_ENTITY, local_property_id).await?;
    Ok(if existing.as_deref() == Some(condo_property_id) { LinkOutcome::AlreadyLinked } else { LinkOutcome::Conflict })
}

/// Every linked Condo property: Condo id → our property id.
pub async fn list_condo_property_links(db: impl PgExecutor<'_>) -> Result<HashMap<String, Uuid>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT external_id, local_id FROM external_ref WHERE platform = 'condo' AND entity = $1",
        PROPERTY_ENTITY
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.external_id, r.local_id)).collect())
}

/// A link as the CLI and the admin panel list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondoPropertyLink {
    /// Condo's `Property.id`.
    pub condo_property_id: String,
    /// Our property.
    pub property_id: Uuid,
    pub property_name: String,
    pub landlord_id: Uuid,
    pub landlord_name: String,
    pub linked_at: DateTime<Utc>,
}

/// Every Condo property link with our property's name and landlord, by property name.
pub async fn list_condo_property_link_details(db: impl PgExecutor<'_>) -> Result<Vec<CondoPropertyLink>, sqlx::Error> {
    sqlx::query_as!(
        CondoPropertyLink,
        "SELECT r.external_id AS condo_property_id, p.id AS property_id, p.name AS property_name,
                p.landlord_id, u.display_name AS landlord_name, r.created_at AS linked_at
         FROM external_ref r JOIN property p ON p.id = r.local_id JOIN app_user u ON u.id = p.landlord_id
         WHERE r.platform = 'condo' AND r.entity = $1 ORDER BY p.name, r.external_id",
        PROPERTY_ENTITY
    )
    .fetch_all(db)
    .await
}

/// Removes the link of a Condo property; returns whether there was one. Tickets already
/// imported stay with our property; new ones of that Condo property are reported as unlinked.
pub async fn unlink_condo_property(db: impl PgExecutor<'_>, condo_property_id: &str) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!(
        "DELETE FROM external_ref WHERE platform = 'condo' AND entity = $1 AND external_id = $2",
        PROPERTY_ENTITY,
        condo_property_id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// A unit read from a Condo building map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondoUnit {
    pub id: Uuid,
    pub property_id: Uuid,
    pub label: String,
    pub section: Option<String>,
    pub floor: Option<String>,
}

/// Creates missing units and updates section and floor of known labels, in one statement.
/// Labels must be unique per property within `units`. Returns the rows written.
pub async fn upsert_condo_units(db: impl PgExecutor<'_>, units: &[CondoUnit]) -> Result<u64, sqlx::Error> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let properties: Vec<Uuid> = units.iter().map(|u| u.property_id).collect();
    let labels: Vec<String> = units.iter().map(|u| u.label.clone()).collect();
    let sections: Vec<Option<String>> = units.iter().map(|u| u.section.clone()).collect();
    let floors: Vec<Option<String>> = units.iter().map(|u| u.floor.clone()).collect();
    let result = sqlx::query!(
        "INSERT INTO unit (id, property_id, label, section, floor)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (property_id, label) DO UPDATE SET section = EXCLUDED.section, floor = EXCLUDED.floor, updated_at = now()
         WHERE (unit.section, unit.floor) IS DISTINCT FROM (EXCLUDED.section, EXCLUDED.floor)",
        &ids,
        &properties,
        &labels,
        &sections as &[Option<String>],
        &floors as &[Option<String>]
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// A ticket read from Condo, mapped to our columns; the unit is found by its label.
#[derive(Debug, Clone, PartialEq)]
pub struct CondoTicket {
    pub id: Uuid,
    pub external_id: String,
    pub property_id: Uuid,
    pub unit_label: Option<String>,
    pub number: Option<i32>,
    pub title: String,
    pub details: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub is_emergency: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    pub source_updated_at: DateTime<Utc>,
    pub source_version: i32,
    pub deleted_at: Option<DateTime<Utc>>,
    pub status_reason: Option<String>,
    pub assignee_name: Option<String>,
    pub executor_name: Option<String>,
    /// Condo's classifier id (`maintenance_category.id`).
    pub category_id: Option<String>,
}

/// Inserts new tickets and updates those whose `source_version` is newer, in one statement;
/// soft-deleted tickets keep their row with `deleted_at` set. Returns the rows written.
pub async fn upsert_condo_tickets(conn: &mut PgConnection, tickets: &[CondoTicket]) -> Result<u64, sqlx::Error> {
    let c = TicketColumns::from(tickets);
    let result = sqlx::query!(
        r#"INSERT INTO maintenance_ticket (id, source, external_id, property_id, unit_id, number, title, details, status,
               priority, is_emergency, deadline_at, opened_at, source_updated_at, source_version, deleted_at, status_history,
               status_reason, assignee_name, executor_name, category_id)
           SELECT t.id, 'condo', t.external_id, t.property_id, u.id, t.number, t.title, t.details, t.status, t.priority,
                  t.is_emergency, t.deadline_at, t.opened_at, t.source_updated_at, t.source_version, t.deleted_at,
                  jsonb_build_array(jsonb_build_object('status', t.status, 'at', t.source_updated_at)),
                  t.status_reason, t.assignee_name, t.executor_name, t.category_id
           FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int4[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::bool[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::int4[],
                       $15::timestamptz[], $16::text[], $17::text[], $18::text[], $19::text[])
                AS t(id, external_id, property_id, unit_label, number, title, details, status, priority, is_emergency,
                     deadline_at, opened_at, source_updated_at, source_version, deleted_at, status_reason, assignee_name,
                     executor_name, category_id)
           LEFT JOIN unit u ON u.property_id = t.property_id AND u.label = t.unit_label
           ON CONFLICT (source, external_id) DO UPDATE SET
               property_id = EXCLUDED.property_id, unit_id = EXCLUDED.unit_id, number = EXCLUDED.number,
               title = EXCLUDED.title, details = EXCLUDED.details, status = EXCLUDED.status,
               priority = EXCLUDED.priority, is_emergency = EXCLUDED.is_emergency, deadline_at = EXCLUDED.deadline_at,
               source_updated_at = EXCLUDED.source_updated_at, source_version = EXCLUDED.source_version,
               deleted_at = EXCLUDED.deleted_at, updated_at = now(), status_reason = EXCLUDED.status_reason,
               assignee_name = EXCLUDED.assignee_name, executor_name = EXCLUDED.executor_name,
               category_id = EXCLUDED.category_id,
               status_history = CASE WHEN maintenance_ticket.status = EXCLUDED.status THEN maintenance_ticket.status_history
                   ELSE maintenance_ticket.status_history || EXCLUDED.status_history END
           WHERE maintenance_ticket.source_version < EXCLUDED.source_version"#,
        &c.ids,
        &c.external_ids,
        &c.property_ids,
        &c.unit_labels as &[Option<String>],
        &c.numbers as &[Option<i32>],
        &c.titles,
        &c.details,
        &c.statuses,
        &c.priorities,
        &c.emergencies,
        &c.deadlines as &[Option<DateTime<Utc>>],
        &c.opened,
        &c.updated,
        &c.versions,
        &c.deleted as &[Option<DateTime<Utc>>],
        &c.reasons as &[Option<String>],
        &c.assignees as &[Option<String>],
        &c.executors as &[Option<String>],
        &c.categories as &[Option<String>]
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Tickets as column arrays, for `UNNEST`.
struct TicketColumns {
    ids: Vec<Uuid>,
    external_ids: Vec<String>,
    property_ids: Vec<Uuid>,
    unit_labels: Vec<Option<String>>,
    numbers: Vec<Option<i32>>,
    titles: Vec<String>,
    details: Vec<String>,
    statuses: Vec<String>,
    priorities: Vec<String>,
    emergencies: Vec<bool>,
    deadlines: Vec<Option<DateTime<Utc>>>,
    opened: Vec<DateTime<Utc>>,
    updated: Vec<DateTime<Utc>>,
    versions: Vec<i32>,
    deleted: Vec<Option<DateTime<Utc>>>,
    reasons: Vec<Option<String>>,
    assignees: Vec<Option<String>>,
    executors: Vec<Option<String>>,
    categories: Vec<Option<String>>,
}

impl From<&[CondoTicket]> for TicketColumns {
    fn from(tickets: &[CondoTicket]) -> Self {
        let col = |f: fn(&CondoTicket) -> String| tickets.iter().map(f).collect::<Vec<_>>();
        Self {
            ids: tickets.iter().map(|t| t.id).collect(),
            external_ids: col(|t| t.external_id.clone()),
            property_ids: tickets.iter().map(|t| t.property_id).collect(),
            unit_labels: tickets.iter().map(|t| t.unit_label.clone()).collect(),
            numbers: tickets.iter().map(|t| t.number).collect(),
            titles: col(|t| t.title.clone()),
            details: col(|t| t.details.clone()),
            statuses: col(|t| t.status.as_str().to_owned()),
            priorities: col(|t| t.priority.as_str().to_owned()),
            emergencies: tickets.iter().map(|t| t.is_emergency).collect(),
            deadlines: tickets.iter().map(|t| t.deadline_at).collect(),
            opened: tickets.iter().map(|t| t.opened_at).collect(),
            updated: tickets.iter().map(|t| t.source_updated_at).collect(),
            versions: tickets.iter().map(|t| t.source_version).collect(),
            deleted: tickets.iter().map(|t| t.deleted_at).collect(),
            reasons: tickets.iter().map(|t| t.status_reason.clone()).collect(),
            assignees: tickets.iter().map(|t| t.assignee_name.clone()).collect(),
            executors: tickets.iter().map(|t| t.executor_name.clone()).collect(),
            categories: tickets.iter().map(|t| t.category_id.clone()).collect(),
        }
    }
}

/// The stored ticket watermark (`<updatedAt>|<number>` of the last committed ticket).
pub async fn read_condo_watermark(db: impl PgExecutor<'_>) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query_scalar!("SELECT watermark FROM sync_state WHERE job = 'condo'").fetch_optional(db).await?;
    Ok(row.flatten())
}

/// Stores the ticket watermark; call it in the transaction of the page it describes.
pub async fn save_condo_watermark(conn: &mut PgConnection, watermark: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE sync_state SET watermark = $1, updated_at = now() WHERE job = 'condo'", watermark)
        .execute(conn)
        .await?;
    Ok(())
}

/// What the Condo import has stored, for reconciliation against Condo's own counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CondoTicketTotals {
    /// Every imported ticket, deleted ones included.
    pub total: i64,
    /// Soft-deleted tickets.
    pub deleted: i64,
    /// Tickets linked to one of our units.
    pub with_unit: i64,
    /// Live tickets per status.
    pub by_status: HashMap<String, i64>,
}

/// Counts the imported Condo tickets.
pub async fn count_condo_tickets(db: impl PgExecutor<'_>) -> Result<CondoTicketTotals, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT status, deleted_at IS NOT NULL AS "deleted!", count(*) AS "n!", count(unit_id) AS "with_unit!"
           FROM maintenance_ticket WHERE source = 'condo' GROUP BY 1, 2"#
    )
    .fetch_all(db)
    .await?;
    let mut totals = CondoTicketTotals::default();
    for row in rows {
        totals.total += row.n;
        totals.with_unit += row.with_unit;
        if row.deleted {
            totals.deleted += row.n;
        } else {
            *totals.by_status.entry(row.status).or_default() += row.n;
        }
    }
    Ok(totals)
}
