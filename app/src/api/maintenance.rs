//! Maintenance tickets: what `/maintenance`, `/maintenance/{id}` and `/api/maintenance` show,
//! scoped by role (landlords: their properties; tenants: what they rent now; admins: all).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppError;
use crate::domain::TicketQuery;

/// A property as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyRef {
    pub id: Uuid,
    pub name: String,
}

/// A unit as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: Uuid,
    pub label: String,
}

/// A ticket in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: Uuid,
    /// Condo's ticket number, if imported.
    pub number: Option<i32>,
    pub title: String,
    /// `new_or_reopened`, `processing`, `deferred`, `completed`, `closed` or `canceled`.
    pub status: String,
    /// `urgent`, `high`, `normal` or `low`.
    pub priority: String,
    pub is_emergency: bool,
    /// Still open and past its deadline.
    pub overdue: bool,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    /// When it last changed at its source.
    pub updated_at: DateTime<Utc>,
    /// `local` or `condo`.
    pub source: String,
    pub property: PropertyRef,
    pub unit: Option<UnitRef>,
    /// The ticket's page.
    pub url: String,
}

/// One entry of a ticket's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: String,
    /// When the source recorded it (ISO-8601), as imported.
    pub at: String,
}

/// Everything the ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub summary: TicketSummary,
    pub details: String,
    /// The street address of the property.
    pub address: String,
    pub city: String,
    /// Section and floor of the unit, when known.
    pub section: Option<String>,
    pub floor: Option<String>,
    /// The source's version of the ticket.
    pub version: i32,
    /// The source's id of the ticket (Condo's `Ticket.id`).
    pub external_id: Option<String>,
    /// Oldest first.
    pub status_history: Vec<StatusChange>,
}

/// A page of tickets with the total and the counts per status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    /// Tickets matching every filter, over all pages.
    pub total: i64,
    /// Tickets per status with every filter but the status one.
    pub counts: Vec<(String, i64)>,
    /// The validated search.
    pub query: TicketQuery,
    /// The properties the caller may filter on.
    pub properties: Vec<PropertyRef>,
}

/// The caller's tickets matching the raw query values (validated here, so a bad URL gets
/// a message naming the parameter).
#[server(endpoint = "maintenance/list")]
#[allow(clippy::too_many_arguments)]
pub async fn list_maintenance(
    status: Option<String>,
    priority: Option<String>,
    emergency: Option<String>,
    overdue: Option<String>,
    property: Option<String>,
    updated_since: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<TicketPage, AppError> {
    let user = crate::server::auth::require_user()?;
    let pairs = [
        ("status", status),
        ("priority", priority),
        ("emergency", emergency),
        ("overdue", overdue),
        ("property", property),
        ("updated_since", updated_since),
        ("sort", sort),
        ("page", page),
        ("per_page", per_page),
    ];
    let raw = pairs.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))).collect();
    let query = TicketQuery::parse(&raw).map_err(AppError::Validation)?;
    let pool = crate::server::state::pool()?;
    let scope = server::scope_of(&user)?;
    let mut result = server::ticket_page(&pool, scope, query).await?;
    result.properties = server::properties_of(&pool, &user).await?;
    Ok(result)
}

/// One of the caller's tickets.
#[server(endpoint = "maintenance/get")]
pub async fn get_maintenance_ticket(id: String) -> Result<TicketDetail, AppError> {
    let user = crate::server::auth::require_user()?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let pool = crate::server::state::pool()?;
    server::ticket_detail(&pool, server::scope_of(&user)?, id).await
}

/// The server side, shared by the server functions and the JSON API.
#[cfg(feature = "ssr")]
pub mod server {
    use sqlx::PgPool;
    use uuid::Uuid;

    use super::{PropertyRef, StatusChange, TicketDetail, TicketPage, TicketSummary, UnitRef};
    use crate::api::AppError;
    use crate::domain::{Role, TicketQuery};
    use crate::server::auth::AuthUser;
    use crate::server::store::maintenance_list::{
        TicketDetailRow, TicketListRow, TicketScope, count_tickets_by_status, find_ticket, list_tickets,
    };
    use crate::server::store::property::list_properties_scoped;

    /// Whose tickets `user` may see; a tenant account without a tenant id sees none.
    pub fn scope_of(user: &AuthUser) -> Result<TicketScope, AppError> {
        match user.role {
            Role::Admin => Ok(TicketScope::All),
            Role::Landlord => Ok(TicketScope::Landlord(user.user_id)),
            Role::Tenant => user.tenant_id.map(TicketScope::Tenant).ok_or(AppError::Forbidden),
        }
    }

    /// One page of tickets with the total and the counts per status.
    pub async fn ticket_page(pool: &PgPool, scope: TicketScope, query: TicketQuery) -> Result<TicketPage, AppError> {
        let rows = list_tickets(pool, scope, &query).await?;
        let mut counts = count_tickets_by_status(pool, scope, &query).await?;
        counts.sort_by_key(|(status, _)| crate::domain::TICKET_STATUSES.iter().position(|s| s == status));
        let total = counts
            .iter()
            .filter(|(status, _)| query.statuses.is_empty() || query.statuses.contains(status))
            .map(|(_, n)| n)
            .sum();
        Ok(TicketPage { items: rows.into_iter().map(summary).collect(), total, counts, query, properties: Vec::new() })
    }

    /// The properties a landlord (admins: every one) may filter on; none for tenants.
    pub async fn properties_of(pool: &PgPool, user: &AuthUser) -> Result<Vec<PropertyRef>, AppError> {
        let landlord = match user.role {
            Role::Admin => None,
            Role::Landlord => Some(user.user_id),
            Role::Tenant => return Ok(Vec::new()),
        };
        let rows = list_properties_scoped(pool, landlord).await?;
        Ok(rows.into_iter().map(|p| PropertyRef { id: p.id, name: p.name }).collect())
    }

    /// One ticket visible in `scope`; anything else is "not found".
    pub async fn ticket_detail(pool: &PgPool, scope: TicketScope, id: Uuid) -> Result<TicketDetail, AppError> {
        let row = find_ticket(pool, scope, id).await?.ok_or(AppError::NotFound)?;
        Ok(detail(row))
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
                    let status = e.get("status")?.as_str()?.to_owned();
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
        }
    }
}
