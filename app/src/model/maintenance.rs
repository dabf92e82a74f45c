//! Maintenance tickets: what `/maintenance`, `/maintenance/{id}` and `/api/maintenance` show,
//! scoped by role (landlords: their properties; tenants: what they rent now; admins: all).

use crate::domain::{TicketPriority, TicketQuery, TicketStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A property as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyRef {
    /// Our id of the property.
    pub id: Uuid,
    /// The property's name.
    pub name: String,
}

/// A unit as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    /// Our id of the unit.
    pub id: Uuid,
    /// The unit's label within its property (e.g. "3B").
    pub label: String,
}

/// A ticket in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    /// Our id of the ticket.
    pub id: Uuid,
    /// Condo's ticket number, if imported.
    pub number: Option<i32>,
    /// Its title (a Condo ticket without one shows the first line of its details, else "Ticket N").
    pub title: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// How soon it must be handled.
    pub priority: TicketPriority,
    /// Flagged as an emergency at its source.
    pub is_emergency: bool,
    /// Still open and past its deadline.
    pub overdue: bool,
    /// When it must be handled by; `None` if no deadline was set.
    pub deadline_at: Option<DateTime<Utc>>,
    /// When it was opened at its source.
    pub opened_at: DateTime<Utc>,
    /// When it last changed at its source.
    pub updated_at: DateTime<Utc>,
    /// `local` or `condo`.
    pub source: String,
    /// The property it concerns.
    pub property: PropertyRef,
    /// The unit it concerns; `None` for the property as a whole.
    pub unit: Option<UnitRef>,
    /// The ticket's page.
    pub url: String,
}

/// One entry of a ticket's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The status the ticket moved to.
    pub status: TicketStatus,
    /// When the source recorded it (ISO-8601), as imported.
    pub at: String,
}

/// Everything the ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    /// What the list shows (flattened into the same JSON object).
    #[serde(flatten)]
    pub summary: TicketSummary,
    /// The full description; empty if none was given.
    pub details: String,
    /// The street address of the property.
    pub address: String,
    /// The city of the property.
    pub city: String,
    /// Section and floor of the unit, when known.
    pub section: Option<String>,
    /// The unit's floor, when known.
    pub floor: Option<String>,
    /// The source's version of the ticket.
    pub version: i32,
    /// The source's id of the ticket (Condo's `Ticket.id`).
    pub external_id: Option<String>,
    /// Oldest first.
    pub status_history: Vec<StatusChange>,
    /// For a request filed here: where its sending to Condo stands.
    pub sending: Option<crate::model::maintenance_request::Sending>,
}

/// A page of tickets with the total and the counts per status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketPage {
    /// The tickets on this page.
    pub items: Vec<TicketSummary>,
    /// Tickets matching every filter, over all pages.
    pub total: i64,
    /// Tickets per status with every filter but the status one.
    pub counts: Vec<(TicketStatus, i64)>,
    /// The validated search.
    pub query: TicketQuery,
    /// The properties the caller may filter on.
    pub properties: Vec<PropertyRef>,
}

/// A page of tickets as `GET /api/maintenance` serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketResults {
    /// The tickets on this page.
    pub items: Vec<TicketSummary>,
    /// Tickets matching every filter, over all pages.
    pub total: i64,
    /// Tickets per status with every filter but the status one.
    pub counts: std::collections::BTreeMap<TicketStatus, i64>,
    /// The page served (1-based).
    pub page: u32,
    /// Tickets per page.
    pub per_page: u32,
    /// Pages in all (at least 1).
    pub pages: u32,
}

impl From<TicketPage> for TicketResults {
    fn from(page: TicketPage) -> Self {
        let request = page.query.page;
        Self {
            pages: request.page_count(page.total),
            page: request.page,
            per_page: request.per_page,
            total: page.total,
            counts: page.counts.into_iter().collect(),
            items: page.items,
        }
    }
}
