//! Maintenance tickets for the signed-in caller, scoped by role (landlords:
//! their properties; tenants: what they rent now; admins: all): the service
//! behind the `/maintenance` pages, their server functions and `/api/maintenance`.

mod detail;

pub use detail::find_ticket_file_of;

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::{Role, TicketQuery};
use crate::model::AppError;
use crate::model::maintenance::{PropertyRef, TicketDetail, TicketPage, TicketSummary, UnitRef};
use crate::server::auth::AuthUser;
use crate::server::store::maintenance_ticket::list::{
    TicketListRow, TicketScope, count_tickets_by_status, find_ticket, list_tickets,
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

/// One ticket visible in `scope`, with its comments (tenants: those visible to them), files
/// and status history; anything else is "not found".
async fn ticket_detail(pool: &PgPool, scope: TicketScope, id: Uuid) -> Result<TicketDetail, AppError> {
    let row = find_ticket(pool, scope, id).await?.ok_or(AppError::NotFound)?;
    detail::assemble(pool, scope, row).await
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
