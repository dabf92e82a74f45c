//! Maintenance requests filed here: the units a tenant may file for, and the request with its
//! photos and their outbox rows written in one transaction.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::condo_import::PROPERTY_ENTITY;

/// A unit the tenant rents today, with its property's Condo link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentedUnit {
    /// Our unit.
    pub unit_id: Uuid,
    /// Its label (Condo's `unitName`).
    pub unit_label: String,
    /// Its property.
    pub property_id: Uuid,
    /// The property's name.
    pub property_name: String,
    /// The linked Condo property, if any.
    pub condo_property_id: Option<String>,
}

/// The units `tenant` rents today (a lease started and not ended), by property and label.
pub async fn rented_units(db: impl PgExecutor<'_>, tenant: Uuid) -> Result<Vec<RentedUnit>, sqlx::Error> {
    sqlx::query_as!(
        RentedUnit,
        r#"SELECT DISTINCT u.id AS unit_id, u.label AS unit_label, p.id AS property_id, p.name AS property_name,
                  r.external_id AS "condo_property_id?"
           FROM lease l
           JOIN unit u ON u.id = l.unit_id
           JOIN property p ON p.id = u.property_id
           LEFT JOIN external_ref r ON r.platform = 'condo' AND r.entity = $2 AND r.local_id = p.id
           WHERE l.tenant_id = $1 AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)
           ORDER BY p.name, u.label"#,
        tenant,
        PROPERTY_ENTITY
    )
    .fetch_all(db)
    .await
}

/// Whether Condo's classifier `id` is one we imported.
pub async fn category_exists(db: impl PgExecutor<'_>, id: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM maintenance_category WHERE id = $1) AS "exists!""#, id)
        .fetch_one(db)
        .await
}

/// One category a tenant can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    /// Condo's classifier id.
    pub id: String,
    /// Place, category and problem names.
    pub place: Option<String>,
    /// The category.
    pub category: Option<String>,
    /// The problem.
    pub problem: Option<String>,
}

/// Every imported category, by place, category and problem.
pub async fn list_categories(db: impl PgExecutor<'_>) -> Result<Vec<CategoryRow>, sqlx::Error> {
    sqlx::query_as!(
        CategoryRow,
        "SELECT id, place, category, problem FROM maintenance_category ORDER BY place, category, problem, id"
    )
    .fetch_all(db)
    .await
}

/// A request to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Our id (also the marker Condo will carry).
    pub id: Uuid,
    /// The tenant who filed it.
    pub tenant_id: Uuid,
    /// The unit and its property.
    pub unit_id: Uuid,
    /// The unit's property.
    pub property_id: Uuid,
    /// The first line of the description.
    pub title: String,
    /// The description.
    pub details: String,
    /// Condo's classifier id.
    pub category_id: Option<String>,
    /// Whether it is an emergency.
    pub emergency: bool,
    /// When the tenant can let someone in.
    pub visiting_hours: Option<String>,
}

/// A photo of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    /// Our id (also the marker of its name in Condo).
    pub id: Uuid,
    /// The name it is stored and sent under.
    pub filename: String,
    /// The sniffed content type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Stores a request, its photos and their outbox rows (the ticket first, then each photo).
pub async fn insert_request(
    conn: &mut PgConnection,
    request: &NewRequest,
    photos: &[NewPhoto],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO maintenance_ticket (id, source, property_id, unit_id, title, details, status, is_emergency,
             priority, opened_at, source_updated_at, requested_by, category_id, visiting_hours, status_history)
         VALUES ($1, 'condo', $2, $3, $4, $5, 'new_or_reopened', $6, CASE WHEN $6 THEN 'urgent' ELSE 'normal' END,
                 now(), now(), $7, $8, $9, jsonb_build_array(jsonb_build_object('status', 'new_or_reopened', 'at', now())))",
        request.id,
        request.property_id,
        request.unit_id,
        request.title,
        request.details,
        request.emergency,
        request.tenant_id,
        request.category_id,
        request.visiting_hours
    )
    .execute(&mut *conn)
    .await?;
    super::condo_outbox::enqueue(&mut *conn, request.id, "ticket", request.id).await?;
    for photo in photos {
        let size = i32::try_from(photo.bytes.len()).unwrap_or(i32::MAX);
        sqlx::query!(
            "INSERT INTO maintenance_file (id, ticket_id, filename, content_type, size_bytes, bytes, uploaded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            photo.id,
            request.id,
            photo.filename,
            photo.content_type,
            size,
            photo.bytes,
            request.tenant_id
        )
        .execute(&mut *conn)
        .await?;
        super::condo_outbox::enqueue(&mut *conn, photo.id, "file", request.id).await?;
    }
    Ok(())
}

/// A comment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    /// Our id (also its marker in Condo).
    pub id: Uuid,
    /// The ticket.
    pub ticket_id: Uuid,
    /// Whether the tenant sees it.
    pub for_residents: bool,
    /// The text.
    pub content: String,
    /// Who wrote it.
    pub author_id: Uuid,
    /// Their name as shown.
    pub author_name: String,
}

/// Stores a comment, and its outbox row when it goes to Condo (`to_condo`).
pub async fn insert_comment(conn: &mut PgConnection, comment: &NewComment, to_condo: bool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO maintenance_comment (id, ticket_id, for_residents, content, author_id, author_name)
         VALUES ($1, $2, $3, $4, $5, $6)",
        comment.id,
        comment.ticket_id,
        comment.for_residents,
        comment.content,
        comment.author_id,
        comment.author_name
    )
    .execute(&mut *conn)
    .await?;
    if to_condo {
        super::condo_outbox::enqueue(&mut *conn, comment.id, "comment", comment.ticket_id).await?;
    }
    Ok(())
}
