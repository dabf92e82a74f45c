//! The rows of the emulated Condo database: organizations, properties, people and tickets.

use super::time::Millis;
use serde_json::Value;
use uuid::Uuid;

/// A managing company (`Organization`).
pub struct Organization {
    /// Row id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Taxpayer number.
    pub tin: String,
    /// Office phone.
    pub phone: String,
    /// Creation time.
    pub created_at: Millis,
    /// Last update time.
    pub updated_at: Millis,
}

/// Where a unit sits: in a residential section or in a parking section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// A residential section (`section`).
    Section,
    /// A parking section (`parking`).
    Parking,
}

impl SectionKind {
    /// The `sectionType` enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Section => "section",
            Self::Parking => "parking",
        }
    }
}

/// One leaf of a property map, flattened for ticket placement and summaries.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Section or parking.
    pub section_kind: SectionKind,
    /// The section's `name`.
    pub section_name: String,
    /// The floor's `name`.
    pub floor_name: String,
    /// The unit's `label` (what tickets call `unitName`).
    pub label: String,
    /// The unit's `unitType` (`flat`, `parking`, `commercial`, …).
    pub unit_type: &'static str,
}

/// A building (`Property`) with its `BuildingMap` JSON.
pub struct Property {
    /// Row id.
    pub id: Uuid,
    /// Index of the owning organization.
    pub organization: u32,
    /// Display name.
    pub name: String,
    /// Full address.
    pub address: String,
    /// Address-service key.
    pub address_key: Uuid,
    /// The `map` JSON (sections → floors → units).
    pub map: Value,
    /// Every unit of the map, in map order.
    pub units: Vec<Unit>,
    /// Flats in residential sections.
    pub units_count: i64,
    /// Parking units plus non-flat units in sections.
    pub uninhabited_units_count: i64,
    /// Area as a decimal string.
    pub area: String,
    /// Year of construction as a date string.
    pub year_of_construction: String,
    /// Creation time.
    pub created_at: Millis,
    /// Last update time.
    pub updated_at: Millis,
    /// Version.
    pub v: i64,
}

/// The kind of a `User` account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKind {
    /// An employee account.
    Staff,
    /// A service (integration) account.
    Service,
}

impl UserKind {
    /// The `UserTypeType` enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Service => "service",
        }
    }
}

/// A `User`: the integration accounts and the employees tickets are assigned to.
pub struct User {
    /// Row id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Account kind.
    pub kind: UserKind,
    /// Phone used to sign in, if any.
    pub phone: Option<String>,
    /// Email used to sign in, if any.
    pub email: Option<String>,
    /// Creation time.
    pub created_at: Millis,
}

/// A resident `Contact` who reported a ticket.
pub struct Contact {
    /// Row id.
    pub id: Uuid,
    /// Index of the organization.
    pub organization: u32,
    /// Index of the property.
    pub property: u32,
    /// The unit label.
    pub unit_name: String,
    /// The unit type.
    pub unit_type: &'static str,
    /// Full name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// Email, if known.
    pub email: Option<String>,
    /// Creation time.
    pub created_at: Millis,
}

/// Where in a property a ticket is located.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// `sectionName`.
    pub section_name: Option<String>,
    /// `sectionType`.
    pub section_type: Option<&'static str>,
    /// `floorName`.
    pub floor_name: Option<String>,
    /// `unitName` (a unit label).
    pub unit_name: Option<String>,
    /// `unitType`.
    pub unit_type: Option<&'static str>,
}

/// A maintenance `Ticket`; `Default` is an open ticket with no dates, for building rows.
#[derive(Default)]
pub struct Ticket {
    /// Row id.
    pub id: Uuid,
    /// Version, bumped on every update.
    pub v: i64,
    /// Globally unique human-readable number.
    pub number: i64,
    /// Index of the organization.
    pub organization: u32,
    /// Index of the property.
    pub property: u32,
    /// Index into the status catalog.
    pub status: u8,
    /// When the status last changed.
    pub status_updated_at: Millis,
    /// Why the status was set (deferred or declined tickets).
    pub status_reason: Option<String>,
    /// How often the ticket was reopened.
    pub status_reopened_counter: i64,
    /// Optional title.
    pub title: Option<String>,
    /// The resident's description.
    pub details: String,
    /// Priority: 100 (default) … 500.
    pub priority: i64,
    /// Flags: emergency, warranty, payable.
    pub is_emergency: bool,
    /// Warranty case.
    pub is_warranty: bool,
    /// Paid work.
    pub is_payable: bool,
    /// Deadline, if set.
    pub deadline: Option<Millis>,
    /// Deferred until, for deferred tickets.
    pub deferred_until: Option<Millis>,
    /// Completion time, for completed and closed tickets.
    pub completed_at: Option<Millis>,
    /// Section, floor and unit.
    pub placement: Placement,
    /// Denormalized property address.
    pub property_address: String,
    /// Index into the classifier catalog.
    pub classifier: u8,
    /// Index into the source catalog.
    pub source: u8,
    /// Index of the reporting contact, if any.
    pub contact: Option<u32>,
    /// Reporter's name, phone and email as typed by the dispatcher.
    pub client_name: Option<String>,
    /// Reporter's phone.
    pub client_phone: Option<String>,
    /// Reporter's email.
    pub client_email: Option<String>,
    /// Index of the responsible employee.
    pub assignee: Option<u32>,
    /// Index of the executing employee.
    pub executor: Option<u32>,
    /// Creation time.
    pub created_at: Millis,
    /// Last update time (also bumped by soft deletion).
    pub updated_at: Millis,
    /// Soft-deletion time.
    pub deleted_at: Option<Millis>,
}
