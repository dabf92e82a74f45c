//! The Condo outbox: what is still to be written to Condo (a request's ticket, its photos, a
//! comment), one row per record, and how its sending went. The `condo_outbox` job reads the
//! due rows, checkpoints each (`sending`) before its write, and records the answer.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::condo_import::PROPERTY_ENTITY;

/// Queues record `id` of `kind` (`ticket`, `file`, `comment`) of `ticket_id`.
pub async fn enqueue(db: impl PgExecutor<'_>, id: Uuid, kind: &str, ticket_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO condo_outbox (id, kind, ticket_id) VALUES ($1, $2, $3)", id, kind, ticket_id)
        .execute(db)
        .await?;
    Ok(())
}

/// A row due for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRow {
    /// The record's id (ticket, file or comment).
    pub id: Uuid,
    /// `ticket`, `file` or `comment`.
    pub kind: String,
    /// Its ticket.
    pub ticket_id: Uuid,
    /// Sends tried so far: above 0, a write may have reached Condo (look the marker up first).
    pub attempts: i32,
    /// The ticket's Condo id, once Condo has it.
    pub ticket_external_id: Option<String>,
}

/// Up to `limit` due rows: tickets first, then files and comments, oldest first.
pub async fn due(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<DueRow>, sqlx::Error> {
    sqlx::query_as!(
        DueRow,
        r#"SELECT o.id, o.kind, o.ticket_id, o.attempts, t.external_id AS "ticket_external_id?"
           FROM condo_outbox o JOIN maintenance_ticket t ON t.id = o.ticket_id
           WHERE o.state IN ('waiting', 'sending') AND o.next_attempt_at <= now()
           ORDER BY (o.kind <> 'ticket'), o.created_at, o.id
           LIMIT $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// The checkpoint before a write: from now on a resend first looks the marker up.
pub async fn mark_sending(db: impl PgExecutor<'_>, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE condo_outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $1", id)
        .execute(db)
        .await?;
    Ok(())
}

/// Records that Condo has record `id` under `external_id` (and the ticket's `number`).
pub async fn mark_sent(
    conn: &mut PgConnection,
    row: &DueRow,
    external_id: &str,
    number: Option<i64>,
) -> Result<(), sqlx::Error> {
    match row.kind.as_str() {
        "ticket" => {
            let number = number.and_then(|n| i32::try_from(n).ok());
            sqlx::query!(
                "UPDATE maintenance_ticket SET external_id = COALESCE(external_id, $2), number = COALESCE(number, $3),
                     updated_at = now()
                 WHERE id = $1",
                row.id,
                external_id,
                number
            )
            .execute(&mut *conn)
            .await?;
        }
        "file" => {
            sqlx::query!(
                "UPDATE maintenance_file SET external_id = COALESCE(external_id, $2) WHERE id = $1",
                row.id,
                external_id
            )
            .execute(&mut *conn)
            .await?;
        }
        _ => {
            sqlx::query!(
                "UPDATE maintenance_comment SET external_id = COALESCE(external_id, $2), updated_at = now()
                 WHERE id = $1",
                row.id,
                external_id
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query!(
        "UPDATE condo_outbox SET state = 'sent', sent_at = now(), last_error = NULL, reason = NULL WHERE id = $1",
        row.id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A failure worth retrying: tried again at `next_attempt_at`; the state is kept (a
/// `sending` row still looks its marker up first).
pub async fn mark_retry(
    db: impl PgExecutor<'_>,
    id: Uuid,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE condo_outbox SET last_error = $2, next_attempt_at = $3 WHERE id = $1",
        id,
        error,
        next_attempt_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Condo refused record `id` for good (`reason`); a refused ticket takes its photos and
/// comments still waiting with it.
pub async fn mark_refused(db: impl PgExecutor<'_>, row: &DueRow, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE condo_outbox SET state = 'refused', reason = CASE WHEN id = $1 THEN $2 ELSE $3 END
         WHERE id = $1 OR ($4 AND ticket_id = $5 AND state IN ('waiting', 'sending'))",
        row.id,
        reason,
        format!("the request was refused: {reason}"),
        row.kind == "ticket",
        row.ticket_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What a ticket of a request needs to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPayload {
    /// The description.
    pub details: String,
    /// Condo's classifier.
    pub category_id: Option<String>,
    /// Whether it is an emergency.
    pub is_emergency: bool,
    /// When someone can come in.
    pub visiting_hours: Option<String>,
    /// The unit's label.
    pub unit_label: Option<String>,
    /// The linked Condo property (`None`: the link was removed since).
    pub condo_property_id: Option<String>,
    /// The tenant's name, e-mail and phone.
    pub client_name: Option<String>,
    /// The tenant's e-mail.
    pub client_email: Option<String>,
    /// The tenant's phone.
    pub client_phone: Option<String>,
}

/// The ticket payload of request `id`.
pub async fn ticket_payload(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<TicketPayload>, sqlx::Error> {
    sqlx::query_as!(
        TicketPayload,
        r#"SELECT t.details, t.category_id, t.is_emergency, t.visiting_hours, u.label AS "unit_label?",
                  r.external_id AS "condo_property_id?", a.display_name AS "client_name?",
                  a.email AS "client_email?", a.phone AS "client_phone?"
           FROM maintenance_ticket t
           LEFT JOIN unit u ON u.id = t.unit_id
           LEFT JOIN external_ref r ON r.platform = 'condo' AND r.entity = $2 AND r.local_id = t.property_id
           LEFT JOIN app_user a ON a.id = t.requested_by
           WHERE t.id = $1"#,
        id,
        PROPERTY_ENTITY
    )
    .fetch_optional(db)
    .await
}

/// A stored file's name, type and bytes.
pub async fn file_payload(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<(String, String, Option<Vec<u8>>)>, sqlx::Error> {
    let row = sqlx::query!("SELECT filename, content_type, bytes FROM maintenance_file WHERE id = $1", id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (r.filename, r.content_type, r.bytes)))
}

/// A stored comment's content and audience.
pub async fn comment_payload(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<(String, bool)>, sqlx::Error> {
    let row = sqlx::query!("SELECT content, for_residents FROM maintenance_comment WHERE id = $1", id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (r.content, r.for_residents)))
}

/// How the sending of one record stands, as people see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendStateRow {
    /// The record.
    pub id: Uuid,
    /// `waiting`, `sending`, `sent` or `refused`.
    pub state: String,
    /// Condo's refusal, when refused.
    pub reason: Option<String>,
    /// The last transient error, while waiting.
    pub last_error: Option<String>,
}

/// The sending state of every queued record of `ticket_id`.
pub async fn states_of_ticket(db: impl PgExecutor<'_>, ticket_id: Uuid) -> Result<Vec<SendStateRow>, sqlx::Error> {
    sqlx::query_as!(
        SendStateRow,
        "SELECT id, state, reason, last_error FROM condo_outbox WHERE ticket_id = $1 ORDER BY created_at, id",
        ticket_id
    )
    .fetch_all(db)
    .await
}
