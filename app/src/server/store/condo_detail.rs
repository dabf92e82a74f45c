//! The Condo import's SQL for what surrounds a ticket: classifiers (`maintenance_category`),
//! comments, files and status changes, each upserted by Condo's id (`external_id`), and the
//! markers that map a record we wrote to Condo back to our row.
//!
//! A record carrying our marker (`[mp:<uuid>]`, or a file named `mp-<uuid>.<ext>`) is ours:
//! its row exists here, with `external_id` NULL until someone records Condo's id. A claim
//! sets that `external_id` on our row (only when it is still NULL, belongs to the same
//! property or ticket, and no other row has that Condo id), so the upsert that follows in the
//! same transaction updates our row instead of inserting a second one.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

use crate::domain::TicketStatus;

/// A Condo classifier rule (place, category, problem), as `maintenance_category` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondoCategory {
    pub id: String,
    pub place: Option<String>,
    pub category: Option<String>,
    pub problem: Option<String>,
}

/// Creates and renames categories, in one statement; ids must be unique within `categories`.
/// Returns the rows written.
pub async fn upsert_categories(db: impl PgExecutor<'_>, categories: &[CondoCategory]) -> Result<u64, sqlx::Error> {
    let ids: Vec<String> = categories.iter().map(|c| c.id.clone()).collect();
    let places: Vec<Option<String>> = categories.iter().map(|c| c.place.clone()).collect();
    let kinds: Vec<Option<String>> = categories.iter().map(|c| c.category.clone()).collect();
    let problems: Vec<Option<String>> = categories.iter().map(|c| c.problem.clone()).collect();
    let result = sqlx::query!(
        "INSERT INTO maintenance_category (id, place, category, problem)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (id) DO UPDATE SET place = EXCLUDED.place, category = EXCLUDED.category,
             problem = EXCLUDED.problem, updated_at = now()
         WHERE (maintenance_category.place, maintenance_category.category, maintenance_category.problem)
               IS DISTINCT FROM (EXCLUDED.place, EXCLUDED.category, EXCLUDED.problem)",
        &ids,
        &places as &[Option<String>],
        &kinds as &[Option<String>],
        &problems as &[Option<String>]
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// A record of Condo's that carries our marker: Condo's id, our row's id, and the row it must
/// belong to here (the property of a ticket, the ticket of a comment or file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedClaim {
    pub marker: Uuid,
    pub external_id: String,
    pub parent: Uuid,
}

/// What claiming did: how many of our rows took a Condo id now, and, for every marker that
/// names a row of ours, the Condo id that row has after the claim (`None`: still none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claimed {
    pub claimed: u64,
    pub ours: HashMap<Uuid, Option<String>>,
}

/// Columns of claims, for `UNNEST`.
fn claim_columns(claims: &[MarkedClaim]) -> (Vec<Uuid>, Vec<String>, Vec<Uuid>) {
    (
        claims.iter().map(|c| c.marker).collect(),
        claims.iter().map(|c| c.external_id.clone()).collect(),
        claims.iter().map(|c| c.parent).collect(),
    )
}

/// Claims our tickets for the marked Condo tickets. A claimed ticket's `source_version` drops
/// to 0, so that the upsert which follows writes Condo's state (number, status, …) over ours.
pub async fn claim_marked_tickets(conn: &mut PgConnection, claims: &[MarkedClaim]) -> Result<Claimed, sqlx::Error> {
    let (ids, external_ids, properties) = claim_columns(claims);
    let result = sqlx::query!(
        "UPDATE maintenance_ticket t SET external_id = c.external_id, source_version = 0, updated_at = now()
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[]) AS c(id, external_id, property_id)
         WHERE t.id = c.id AND t.source = 'condo' AND t.external_id IS NULL AND t.property_id = c.property_id
           AND NOT EXISTS (SELECT 1 FROM maintenance_ticket o WHERE o.source = 'condo' AND o.external_id = c.external_id)",
        &ids,
        &external_ids,
        &properties
    )
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query!("SELECT id, external_id FROM maintenance_ticket WHERE id = ANY($1)", &ids)
        .fetch_all(&mut *conn)
        .await?;
    let ours = rows.into_iter().map(|r| (r.id, r.external_id)).collect();
    Ok(Claimed { claimed: result.rows_affected(), ours })
}

/// The comments watermark: the `updatedAt` of the newest changed comment the import read.
pub async fn read_condo_comment_watermark(db: impl PgExecutor<'_>) -> Result<Option<String>, sqlx::Error> {
    let row =
        sqlx::query_scalar!("SELECT comment_watermark FROM sync_state WHERE job = 'condo'").fetch_optional(db).await?;
    Ok(row.flatten())
}

/// Stores the comments watermark.
pub async fn save_condo_comment_watermark(db: impl PgExecutor<'_>, watermark: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE sync_state SET comment_watermark = $1, updated_at = now() WHERE job = 'condo'", watermark)
        .execute(db)
        .await?;
    Ok(())
}

/// Our ticket ids of these Condo tickets.
pub async fn ticket_ids_of(
    db: impl PgExecutor<'_>,
    external_ids: &[String],
) -> Result<HashMap<String, Uuid>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, external_id AS "external_id!" FROM maintenance_ticket
           WHERE source = 'condo' AND external_id = ANY($1)"#,
        external_ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.external_id, r.id)).collect())
}

/// A comment read from Condo, mapped to our columns (`content` without a marker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondoComment {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub external_id: String,
    pub for_residents: bool,
    pub content: String,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Claims our comments for the marked Condo comments.
pub async fn claim_marked_comments(conn: &mut PgConnection, claims: &[MarkedClaim]) -> Result<Claimed, sqlx::Error> {
    let (ids, external_ids, tickets) = claim_columns(claims);
    let result = sqlx::query!(
        "UPDATE maintenance_comment m SET external_id = c.external_id
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[]) AS c(id, external_id, ticket_id)
         WHERE m.id = c.id AND m.external_id IS NULL AND m.ticket_id = c.ticket_id
           AND NOT EXISTS (SELECT 1 FROM maintenance_comment o WHERE o.external_id = c.external_id)",
        &ids,
        &external_ids,
        &tickets
    )
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query!("SELECT id, external_id FROM maintenance_comment WHERE id = ANY($1)", &ids)
        .fetch_all(&mut *conn)
        .await?;
    let ours = rows.into_iter().map(|r| (r.id, r.external_id)).collect();
    Ok(Claimed { claimed: result.rows_affected(), ours })
}

/// Inserts new comments and updates changed ones (type, text, Condo's author unless the
/// comment was written here), in one statement. Returns the rows written.
pub async fn upsert_condo_comments(db: impl PgExecutor<'_>, comments: &[CondoComment]) -> Result<u64, sqlx::Error> {
    let ids: Vec<Uuid> = comments.iter().map(|c| c.id).collect();
    let tickets: Vec<Uuid> = comments.iter().map(|c| c.ticket_id).collect();
    let external_ids: Vec<String> = comments.iter().map(|c| c.external_id.clone()).collect();
    let for_residents: Vec<bool> = comments.iter().map(|c| c.for_residents).collect();
    let contents: Vec<String> = comments.iter().map(|c| c.content.clone()).collect();
    let authors: Vec<Option<String>> = comments.iter().map(|c| c.author_name.clone()).collect();
    let created: Vec<DateTime<Utc>> = comments.iter().map(|c| c.created_at).collect();
    let updated: Vec<DateTime<Utc>> = comments.iter().map(|c| c.updated_at).collect();
    let result = sqlx::query!(
        "INSERT INTO maintenance_comment (id, ticket_id, external_id, for_residents, content, author_name, created_at,
             updated_at)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::bool[], $5::text[], $6::text[],
                              $7::timestamptz[], $8::timestamptz[])
         ON CONFLICT (external_id) DO UPDATE SET for_residents = EXCLUDED.for_residents, content = EXCLUDED.content,
             author_name = CASE WHEN maintenance_comment.author_id IS NULL THEN EXCLUDED.author_name
                                ELSE maintenance_comment.author_name END,
             updated_at = GREATEST(maintenance_comment.updated_at, EXCLUDED.updated_at)
         WHERE (maintenance_comment.for_residents, maintenance_comment.content) IS DISTINCT FROM
               (EXCLUDED.for_residents, EXCLUDED.content)
            OR (maintenance_comment.author_id IS NULL
                AND maintenance_comment.author_name IS DISTINCT FROM EXCLUDED.author_name)",
        &ids,
        &tickets,
        &external_ids,
        &for_residents,
        &contents,
        &authors as &[Option<String>],
        &created,
        &updated
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Deletes the comments imported from Condo on `tickets` whose Condo id is not in `kept`
/// (deleted in Condo). Comments written here are never deleted. Returns how many went.
pub async fn delete_vanished_comments(
    db: impl PgExecutor<'_>,
    tickets: &[Uuid],
    kept: &[String],
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM maintenance_comment
         WHERE ticket_id = ANY($1) AND external_id IS NOT NULL AND author_id IS NULL AND NOT (external_id = ANY($2))",
        tickets,
        kept
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// A status change read from Condo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondoStatusChange {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub external_id: String,
    pub status_from: Option<TicketStatus>,
    pub status_to: Option<TicketStatus>,
    pub status_name_from: Option<String>,
    pub status_name_to: Option<String>,
    pub reason: Option<String>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// Inserts new status changes and corrects known ones, in one statement. Returns the rows written.
pub async fn upsert_status_changes(db: impl PgExecutor<'_>, changes: &[CondoStatusChange]) -> Result<u64, sqlx::Error> {
    let status = |s: Option<TicketStatus>| s.map(|s| s.as_str().to_owned());
    let ids: Vec<Uuid> = changes.iter().map(|c| c.id).collect();
    let tickets: Vec<Uuid> = changes.iter().map(|c| c.ticket_id).collect();
    let external_ids: Vec<String> = changes.iter().map(|c| c.external_id.clone()).collect();
    let from: Vec<Option<String>> = changes.iter().map(|c| status(c.status_from)).collect();
    let to: Vec<Option<String>> = changes.iter().map(|c| status(c.status_to)).collect();
    let names_from: Vec<Option<String>> = changes.iter().map(|c| c.status_name_from.clone()).collect();
    let names_to: Vec<Option<String>> = changes.iter().map(|c| c.status_name_to.clone()).collect();
    let reasons: Vec<Option<String>> = changes.iter().map(|c| c.reason.clone()).collect();
    let by: Vec<Option<String>> = changes.iter().map(|c| c.changed_by_name.clone()).collect();
    let at: Vec<DateTime<Utc>> = changes.iter().map(|c| c.changed_at).collect();
    let result = sqlx::query!(
        "INSERT INTO maintenance_status_change (id, ticket_id, external_id, status_from, status_to, status_name_from,
             status_name_to, reason, changed_by_name, changed_at)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::timestamptz[])
         ON CONFLICT (external_id) DO UPDATE SET status_from = EXCLUDED.status_from, status_to = EXCLUDED.status_to,
             status_name_from = EXCLUDED.status_name_from, status_name_to = EXCLUDED.status_name_to,
             reason = EXCLUDED.reason, changed_by_name = EXCLUDED.changed_by_name, updated_at = now()
         WHERE (maintenance_status_change.status_from, maintenance_status_change.status_to,
                maintenance_status_change.status_name_from, maintenance_status_change.status_name_to,
                maintenance_status_change.reason, maintenance_status_change.changed_by_name)
               IS DISTINCT FROM (EXCLUDED.status_from, EXCLUDED.status_to, EXCLUDED.status_name_from,
                                 EXCLUDED.status_name_to, EXCLUDED.reason, EXCLUDED.changed_by_name)",
        &ids,
        &tickets,
        &external_ids,
        &from as &[Option<String>],
        &to as &[Option<String>],
        &names_from as &[Option<String>],
        &names_to as &[Option<String>],
        &reasons as &[Option<String>],
        &by as &[Option<String>],
        &at
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// What we already hold of some Condo files: the Condo ids stored, and for each marker that
/// names a file of ours, the Condo id it has (`None`: not recorded yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownFiles {
    pub external_ids: HashSet<String>,
    pub marked: HashMap<Uuid, Option<String>>,
}

/// Which of these Condo files (by id, and by the markers in their names) we hold.
pub async fn known_files(
    conn: &mut PgConnection,
    external_ids: &[String],
    markers: &[Uuid],
) -> Result<KnownFiles, sqlx::Error> {
    let stored = sqlx::query_scalar!(
        r#"SELECT external_id AS "external_id!" FROM maintenance_file WHERE external_id = ANY($1)"#,
        external_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let marked = sqlx::query!("SELECT id, external_id FROM maintenance_file WHERE id = ANY($1)", markers)
        .fetch_all(&mut *conn)
        .await?;
    Ok(KnownFiles {
        external_ids: stored.into_iter().collect(),
        marked: marked.into_iter().map(|r| (r.id, r.external_id)).collect(),
    })
}

/// Claims our files for the Condo files named with our marker. Returns the rows claimed.
pub async fn claim_marked_files(conn: &mut PgConnection, claims: &[MarkedClaim]) -> Result<u64, sqlx::Error> {
    let (ids, external_ids, tickets) = claim_columns(claims);
    let result = sqlx::query!(
        "UPDATE maintenance_file f SET external_id = c.external_id
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[]) AS c(id, external_id, ticket_id)
         WHERE f.id = c.id AND f.external_id IS NULL AND f.ticket_id = c.ticket_id
           AND NOT EXISTS (SELECT 1 FROM maintenance_file o WHERE o.external_id = c.external_id)",
        &ids,
        &external_ids,
        &tickets
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// A file read from Condo: `bytes` is `None` when it was too large to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondoFile {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub external_id: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub bytes: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

/// Stores one file unless its Condo id is known; returns whether it was inserted. One file
/// per statement, so no more than one file's bytes are ever held at once.
pub async fn insert_condo_file(db: impl PgExecutor<'_>, file: &CondoFile) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO maintenance_file (id, ticket_id, external_id, filename, content_type, size_bytes, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (external_id) DO NOTHING",
        file.id,
        file.ticket_id,
        file.external_id,
        file.filename,
        file.content_type,
        file.size_bytes,
        file.bytes.as_deref(),
        file.created_at
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes the files imported from Condo on `tickets` whose Condo id is not in `kept`
/// (deleted in Condo). Files uploaded here are never deleted. Returns how many went.
pub async fn delete_vanished_files(
    db: impl PgExecutor<'_>,
    tickets: &[Uuid],
    kept: &[String],
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM maintenance_file
         WHERE ticket_id = ANY($1) AND external_id IS NOT NULL AND uploaded_by IS NULL AND NOT (external_id = ANY($2))",
        tickets,
        kept
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// The files watermark: the `createdAt` of the newest ticket file the import read.
pub async fn read_condo_file_watermark(db: impl PgExecutor<'_>) -> Result<Option<String>, sqlx::Error> {
    let row =
        sqlx::query_scalar!("SELECT file_watermark FROM sync_state WHERE job = 'condo'").fetch_optional(db).await?;
    Ok(row.flatten())
}

/// Stores the files watermark.
pub async fn save_condo_file_watermark(db: impl PgExecutor<'_>, watermark: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE sync_state SET file_watermark = $1, updated_at = now() WHERE job = 'condo'", watermark)
        .execute(db)
        .await?;
    Ok(())
}
