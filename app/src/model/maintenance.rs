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

/// One entry of a ticket's status history: as Condo recorded it (with who and why), or, for
/// tickets imported before Condo's changes were read, as the import saw the status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The status the ticket moved to (`None`: a status of Condo's we could not read).
    pub status: Option<TicketStatus>,
    /// That status in words (Condo's name for one we could not read).
    pub label: String,
    /// When it happened (ISO-8601).
    pub at: String,
    /// The status before, when known.
    #[serde(default)]
    pub from: Option<TicketStatus>,
    /// Who changed it, when known.
    #[serde(default)]
    pub by: Option<String>,
    /// Why (Condo's status reason), when given.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The classifier of a ticket (Condo's place, category and problem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRef {
    /// Condo's classifier id.
    pub id: String,
    /// "place · category · problem", the parts known; empty when the classifier is unknown here.
    pub label: String,
}

/// A photo or document of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFileView {
    /// Our id of the file.
    pub id: Uuid,
    /// Its file name.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its size in bytes.
    pub size_bytes: i32,
    /// Where we serve it (`/api/maintenance/{ticket}/files/{file}`); `None` when it was too
    /// large to keep (only its name and size are known here).
    pub url: Option<String>,
    /// A raster image the page shows as a thumbnail.
    pub is_image: bool,
    /// When it was added.
    pub added_at: DateTime<Utc>,
}

/// A comment on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCommentView {
    /// Our id of the comment.
    pub id: Uuid,
    /// Its text.
    pub content: String,
    /// Who wrote it, when known.
    pub author: Option<String>,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Visible to the tenant (Condo's `resident` comments); otherwise internal to staff.
    /// Tenants are only ever sent comments visible to them.
    pub for_residents: bool,
    /// For a comment written here: where its sending to Condo stands.
    pub sending: Option<crate::model::maintenance_request::Sending>,
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
    /// Why the status is what it is (Condo's status reason), when given.
    pub status_reason: Option<String>,
    /// Who is responsible for the ticket (Condo's assignee).
    pub assignee: Option<String>,
    /// Who does the work (Condo's executor).
    pub executor: Option<String>,
    /// What kind of problem it is.
    pub category: Option<CategoryRef>,
    /// Photos and documents, oldest first.
    pub files: Vec<TicketFileView>,
    /// Comments, oldest first (tenants: only those visible to them).
    pub comments: Vec<TicketCommentView>,
    /// Internal comments are among `comments` (the caller is staff: a landlord or an admin),
    /// so each says whether the tenant sees it.
    pub internal_comments_shown: bool,
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
