//! A ticket's page beyond its summary: people, classifier, status reason, files, comments
//! (tenants: only those visible to them) and the status history with who and when; and one
//! file's bytes, served through us within the same scope as the ticket.

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::{TicketStatus, attachment};
use crate::model::AppError;
use crate::model::maintenance::{CategoryRef, StatusChange, TicketCommentView, TicketDetail, TicketFileView};
use crate::model::maintenance_request::Sending;
use crate::server::auth::AuthUser;
use crate::server::store::maintenance_ticket::detail::{
    FileContent, StatusChangeRow, find_file_content, list_comments, list_files, list_status_changes,
};
use crate::server::store::maintenance_ticket::list::{TicketDetailRow, TicketListRow, TicketScope, find_ticket};

/// The file `file_id` of the caller's ticket `ticket_id` (both as the URL carries them), when
/// its bytes are kept; anything else (not the caller's ticket, another ticket's file, not
/// kept) is "not found".
pub async fn find_ticket_file_of(
    pool: &PgPool,
    user: &AuthUser,
    ticket_id: &str,
    file_id: &str,
) -> Result<FileContent, AppError> {
    let scope = user.ticket_scope()?;
    let ticket = Uuid::parse_str(ticket_id.trim()).map_err(|_| AppError::NotFound)?;
    let file = Uuid::parse_str(file_id.trim()).map_err(|_| AppError::NotFound)?;
    find_ticket(pool, scope, ticket).await?.ok_or(AppError::NotFound)?;
    find_file_content(pool, ticket, file).await?.ok_or(AppError::NotFound)
}

/// The detail of a ticket already found in `scope`.
pub(super) async fn assemble(pool: &PgPool, scope: TicketScope, r: TicketDetailRow) -> Result<TicketDetail, AppError> {
    let residents_only = matches!(scope, TicketScope::Tenant(_));
    let comments = list_comments(pool, r.id, residents_only).await?;
    let files = list_files(pool, r.id).await?;
    let changes = list_status_changes(pool, r.id).await?;
    let mut sending: std::collections::HashMap<Uuid, Sending> =
        crate::server::maintenance_request::sending_of(pool, r.id).await?.into_iter().collect();
    let status_history = if changes.is_empty() { legacy_history(&r.status_history) } else { history(&r, changes) };
    let category = r.category_id.clone().map(|id| {
        let parts = [&r.category_place, &r.category_name, &r.category_problem];
        let label = parts.into_iter().flatten().map(String::as_str).collect::<Vec<_>>().join(" · ");
        CategoryRef { id, label }
    });
    let files = files
        .into_iter()
        .enumerate()
        .map(|(index, f)| TicketFileView {
            url: f.kept.then(|| format!("/api/maintenance/{}/files/{}", r.id, f.id)),
            is_image: f.kept && attachment::is_inline_image(&f.content_type),
            id: f.id,
            // Our own uploads carry their marker as a name in Condo; people see "Photo 2.jpg".
            name: match crate::domain::condo_marker::find_in_file_name(&f.filename) {
                Some(_) => format!("Photo {}.{}", index + 1, f.filename.rsplit('.').next().unwrap_or("jpg")),
                None => f.filename,
            },
            content_type: f.content_type,
            size_bytes: f.size_bytes,
            added_at: f.created_at,
        })
        .collect();
    let comments = comments
        .into_iter()
        .map(|c| TicketCommentView {
            id: c.id,
            content: c.content,
            author: c.author_name,
            at: c.created_at,
            for_residents: c.for_residents,
            sending: sending.remove(&c.id),
        })
        .collect();
    let list = TicketListRow {
        id: r.id,
        source: r.source,
        number: r.number,
        title: r.title,
        status: r.status,
        priority: r.priority,
        is_emergency: r.is_emergency,
        overdue: r.overdue,
        deadline_at: r.deadline_at,
        opened_at: r.opened_at,
        source_updated_at: r.source_updated_at,
        property_id: r.property_id,
        property_name: r.property_name,
        unit_id: r.unit_id,
        unit_label: r.unit_label,
    };
    Ok(TicketDetail {
        summary: super::summary(list),
        details: r.details,
        address: r.property_address,
        city: r.property_city,
        section: r.unit_section,
        floor: r.unit_floor,
        version: r.source_version,
        external_id: r.external_id,
        status_history,
        status_reason: r.status_reason,
        assignee: r.assignee_name,
        executor: r.executor_name,
        category,
        files,
        comments,
        internal_comments_shown: !residents_only,
        sending: sending.remove(&r.id),
    })
}

/// The history from Condo's changes: the ticket opened in the status the first change left,
/// then each change.
fn history(r: &TicketDetailRow, changes: Vec<StatusChangeRow>) -> Vec<StatusChange> {
    let first = changes.first().and_then(|c| c.status_from).unwrap_or(TicketStatus::NewOrReopened);
    let opened = StatusChange {
        status: Some(first),
        label: first.label().to_owned(),
        at: r.opened_at.to_rfc3339(),
        from: None,
        by: None,
        reason: None,
    };
    let changed = changes.into_iter().map(|c| StatusChange {
        label: c.status_to.map(|s| s.label().to_owned()).or(c.status_name_to).unwrap_or_else(|| "Changed".to_owned()),
        status: c.status_to,
        at: c.changed_at.to_rfc3339(),
        from: c.status_from,
        by: c.changed_by_name,
        reason: c.reason,
    });
    std::iter::once(opened).chain(changed).collect()
}

/// The `{status, at}` entries the import synthesized before Condo's changes were read.
fn legacy_history(entries: &serde_json::Value) -> Vec<StatusChange> {
    let Some(entries) = entries.as_array() else { return Vec::new() };
    entries
        .iter()
        .filter_map(|e| {
            let status = TicketStatus::parse(e.get("status")?.as_str()?)?;
            let at = e.get("at")?.as_str()?.to_owned();
            Some(StatusChange {
                status: Some(status),
                label: status.label().to_owned(),
                at,
                from: None,
                by: None,
                reason: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_synthesized_by_earlier_imports_stay_readable() {
        let old = serde_json::json!([{ "status": "processing", "at": "2026-11-01T10:00:00+00:00" }, { "bogus": 1 }]);
        let read = legacy_history(&old);
        assert_eq!(read.len(), 1);
        assert_eq!(
            (read[0].status, read[0].label.as_str(), read[0].by.as_deref()),
            (Some(TicketStatus::Processing), "In progress", None)
        );
    }
}
