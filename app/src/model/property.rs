//! Properties as their landlords (and admins) read them through the JSON API.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{TicketPriority, TicketStatus};

/// A property in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyItem {
    /// Our id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Street and number.
    pub address_line: String,
    /// Postal code.
    pub postal_code: String,
    /// Its city.
    pub city: String,
    /// ISO 3166 country code.
    pub country: String,
    /// When it was archived (kept for its invoices and tickets, out of the
    /// lists, no new unit or lease); `None` while in use.
    #[serde(default)]
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyRecord {
    /// Our id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Street address.
    pub address_line: String,
    /// City.
    pub city: String,
    /// Its landlord's user id.
    pub landlord_id: Uuid,
}

/// A maintenance ticket of a property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyTicket {
    /// Our id.
    pub id: Uuid,
    /// Condo's ticket number, if imported.
    pub number: Option<i32>,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: TicketStatus,
    /// Its priority.
    pub priority: TicketPriority,
    /// Whether it is an emergency.
    pub is_emergency: bool,
    /// When it last changed at its source.
    pub updated_at: DateTime<Utc>,
}

/// A unit of a property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitItem {
    /// Our id of the unit.
    pub id: Uuid,
    /// Its label within the property ("3A", "Flat 2").
    pub label: String,
    /// Its section (building, staircase), when known.
    pub section: Option<String>,
    /// Its floor, when known.
    pub floor: Option<String>,
    /// Bedrooms.
    pub bedrooms: i32,
    /// When it was archived (no new lease); `None` while in use.
    #[serde(default)]
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}
