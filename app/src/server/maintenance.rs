//! Maintenance tickets for the signed-in caller, scoped by role (landlords:
//! their properties; tenants: what they rent now; admins: all): the service
//! behind the `/maintenance` pages, their server functions and `/api/maintenance`.

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::{Role, TicketQuery, TicketStatus};
use crate::model::AppError;
use crate::model::maintenance::{PropertyRef, StatusChange, TicketDetail, TicketPage, TicketSummary, UnitRef};
use crate::server::auth::AuthUser;
use crate::server::store::maintenance_ticket::list::{
    TicketDetailRow, TicketListRow, TicketScope, count_tickets_by_status, find_ticket, list_tickets,
};
use crate::server::store::property::list_properties_scoped;

/// One page of the caller's tickets with the total, the counts per status and
/// the properties they may filter on.
pub async fn list_tickets_of(pool: &PgPool, user: &AuthUser, query: TicketQuery) -> Result<TicketPage, AppError> {
    let mut page = ticket_page(pool, user.ticket_scope()?, query).await?;
    page.properties = properties_of(pool, user).await?;
    Ok(page)
}

/// One of the caller's tickets (`id` as the URL carries it); anything else is "not found".
pub async fn find_ticket_of(pool: &PgPool, user: &AuthUser, id: &str) -> Result<TicketDetail, AppError> {
    let scope = user.ticket_scope()?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    ticket_detail(pool, scope, id).await
}

/// One page of tickets with the total and the counts per status.
async fn ticket_page(pool: &PgPool, scope: TicketScope, query: TicketQuery) -> Result<TicketPage, AppError> {
    let rows = list_tickets(pool, scope, &query).await?;
    let mut counts = count_tickets_by_status(pool, scope, &query).await?;
    counts.sort_by_key(|(status, _)| *status);
    let total = counts
        .iter()
        .filter(|(status, _)| query.statuses.is_empty() || query.statuses.contains(status))
        .map(|(_, n)| n)
        .sum();
    Ok(TicketPage { items: rows.into_iter().map(summary).collect(), total, counts, query, properties: Vec::new() })
}

/// The properties a landlord (admins: every one) may filter on; none for tenants.
async fn properties_of(pool: &PgPool, user: &AuthUser) -> Result<Vec<PropertyRef>, AppError> {
    if user.role == Role::Tenant {
        return Ok(Vec::new());
    }
    let landlord = user.landlord_scope()?;
    let rows = list_properties_scoped(pool, landlord).await?;
    Ok(rows.into_iter().map(|p| PropertyRef { id: p.id, name: p.name }).collect())
}

/// One ticket visible in `scope`; anything else is "not found".
async fn ticket_detail(pool: &PgPool, scope: TicketScope, id: Uuid) -> Result<TicketDetail, AppError> {
    let row = find_ticket(pool, scope, id).await?.ok_or(AppError::NotFound)?;
    let mut detail = detail(row);
    let sending = crate::server::maintenance_request::sending_of(pool, id).await?;
    detail.sending = sending.into_iter().find(|(record, _)| *record == id).map(|(_, sending)| sending);
    Ok(detail)
}

fn summary(r: TicketListRow) -> TicketSummary {
    let unit = r.unit_id.zip(r.unit_label).map(|(id, label)| UnitRef { id, label });
    TicketSummary {
        id: r.id,
        number: r.number,
        title: r.title,
        status: r.status,
        priority: r.priority,
        is_emergency: r.is_emergency,
        overdue: r.overdue,
        deadline_at: r.deadline_at,
        opened_at: r.opened_at,
        updated_at: r.source_updated_at,
        source: r.source,
        property: PropertyRef { id: r.property_id, name: r.property_name },
        unit,
        url: format!("/maintenance/{}", r.id),
    }
}

fn detail(r: TicketDetailRow) -> TicketDetail {
    let status_history = match r.status_history {
        serde_json::Value::Array(entries) => entries
            .into_iter()
            .filter_map(|e| {
                let status = TicketStatus::parse(e.get("status")?.as_str()?)?;
                let at = e.get("at")?.as_str()?.to_owned();
                Some(StatusChange { status, at })
            })
            .collect(),
        _ => Vec::new(),
    };
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
    TicketDetail {
        summary: summary(list),
        details: r.details,
        address: r.property_address,
        city: r.property_city,
        section: r.unit_section,
        floor: r.unit_floor,
        version: r.source_version,
        external_id: r.external_id,
        status_history,
        sending: None,
    }
}
