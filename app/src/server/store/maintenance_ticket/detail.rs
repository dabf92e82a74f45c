//! What the ticket page shows around a ticket: its comments (tenants only those meant for
//! residents), its files (without their bytes) and its status changes as Condo recorded them;
//! and one file's bytes for `GET /api/maintenance/{id}/files/{file_id}`. Callers check that
//! the ticket is visible to whoever asks (`list::find_ticket`) before reading any of these.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::TicketStatus;

/// A comment as the ticket page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub id: Uuid,
    pub for_residents: bool,
    pub content: String,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The comments of a ticket, oldest first; with `residents_only`, only those the tenant sees.
pub async fn list_comments(
    db: impl PgExecutor<'_>,
    ticket_id: Uuid,
    residents_only: bool,
) -> Result<Vec<CommentRow>, sqlx::Error> {
    sqlx::query_as!(
        CommentRow,
        "SELECT id, for_residents, content, author_name, created_at FROM maintenance_comment
         WHERE ticket_id = $1 AND (for_residents OR NOT $2) ORDER BY created_at, id",
        ticket_id,
        residents_only
    )
    .fetch_all(db)
    .await
}

/// A file of a ticket, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i32,
    /// The bytes are kept (a file too large to keep has only its name and size).
    pub kept: bool,
    pub created_at: DateTime<Utc>,
}

/// The files of a ticket, oldest first.
pub async fn list_files(db: impl PgExecutor<'_>, ticket_id: Uuid) -> Result<Vec<FileRow>, sqlx::Error> {
    sqlx::query_as!(
        FileRow,
        r#"SELECT id, filename, content_type, size_bytes, bytes IS NOT NULL AS "kept!", created_at
           FROM maintenance_file WHERE ticket_id = $1 ORDER BY created_at, id"#,
        ticket_id
    )
    .fetch_all(db)
    .await
}

/// A kept file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContent {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The content of file `file_id` of ticket `ticket_id`, when its bytes are kept.
pub async fn find_file_content(
    db: impl PgExecutor<'_>,
    ticket_id: Uuid,
    file_id: Uuid,
) -> Result<Option<FileContent>, sqlx::Error> {
    sqlx::query_as!(
        FileContent,
        r#"SELECT filename, content_type, bytes AS "bytes!" FROM maintenance_file
           WHERE id = $1 AND ticket_id = $2 AND bytes IS NOT NULL"#,
        file_id,
        ticket_id
    )
    .fetch_optional(db)
    .await
}

/// A status change as Condo recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangeRow {
    pub status_from: Option<TicketStatus>,
    pub status_to: Option<TicketStatus>,
    pub status_name_to: Option<String>,
    pub reason: Option<String>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// The status changes of a ticket, oldest first.
pub async fn list_status_changes(
    db: impl PgExecutor<'_>,
    ticket_id: Uuid,
) -> Result<Vec<StatusChangeRow>, sqlx::Error> {
    sqlx::query_as!(
        StatusChangeRow,
        r#"SELECT status_from AS "status_from: TicketStatus", status_to AS "status_to: TicketStatus", status_name_to,
                  reason, changed_by_name, changed_at
           FROM maintenance_status_change WHERE ticket_id = $1 ORDER BY changed_at, id"#,
        ticket_id
    )
    .fetch_all(db)
    .await
}
