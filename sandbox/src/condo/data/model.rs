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
    /// A resident of a unit (Condo's mobile-app user).
    Resident,
}

impl UserKind {
    /// The `UserTypeType` enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Service => "service",
            Self::Resident => "resident",
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
    /// Index into the classifier catalog, if classified.
    pub classifier: Option<u8>,
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
    /// Index of the resident user the ticket belongs to (Condo's `client`).
    pub client: Option<u32>,
    /// Created for a resident.
    pub is_resident_ticket: bool,
    /// Visible to its `client` in the resident app.
    pub can_read_by_resident: bool,
    /// `meta` JSON (an object with `dv: 1`), as written on create.
    pub meta: Option<Value>,
    /// `sourceMeta` JSON, as written on create.
    pub source_meta: Option<Value>,
    /// Index of the user who created the ticket through the API.
    pub created_by: Option<u32>,
    /// `sender.fingerprint` of the last API write.
    pub fingerprint: Option<String>,
    /// Creation time of the newest comment.
    pub last_comment_at: Option<Millis>,
    /// Creation time of the newest comment written by a resident.
    pub last_resident_comment_at: Option<Millis>,
    /// Creation time.
    pub created_at: Millis,
    /// Last update time (also bumped by soft deletion).
    pub updated_at: Millis,
    /// Soft-deletion time.
    pub deleted_at: Option<Millis>,
}

/// Where a resident user lives: one unit of one property.
pub struct Residence {
    /// Index of the resident `User`.
    pub user: u32,
    /// Index of the property.
    pub property: u32,
    /// The unit label.
    pub unit_name: String,
    /// The unit type.
    pub unit_type: &'static str,
}

/// The two `TicketCommentTypeType` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `organization`: visible to staff only.
    Organization,
    /// `resident`: visible to the ticket's resident too.
    Resident,
}

impl CommentKind {
    /// The enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Resident => "resident",
        }
    }
}

/// A `TicketComment`.
pub struct TicketComment {
    /// Row id.
    pub id: Uuid,
    /// Index of the ticket.
    pub ticket: u32,
    /// Comment type.
    pub kind: CommentKind,
    /// Plain text.
    pub content: String,
    /// Index of the author.
    pub user: u32,
    /// `sender.fingerprint`.
    pub fingerprint: String,
    /// Creation time.
    pub created_at: Millis,
    /// Version: 1 when written, bumped by each edit.
    pub v: i64,
    /// Last change (creation, an edit, the soft deletion).
    pub updated_at: Millis,
    /// Soft deletion time.
    pub deleted_at: Option<Millis>,
}

/// The stored content of an upload.
pub struct StoredFile {
    /// The `File.id` (also the last part of its URL).
    pub id: Uuid,
    /// The name the client sent.
    pub original_filename: String,
    /// The content type the client sent.
    pub mimetype: String,
    /// The bytes.
    pub bytes: std::sync::Arc<Vec<u8>>,
}

/// A `TicketFile`: an uploaded file attached to a ticket.
pub struct TicketFile {
    /// Row id.
    pub id: Uuid,
    /// Index of the ticket, if attached.
    pub ticket: Option<u32>,
    /// Index of the organization.
    pub organization: u32,
    /// The file.
    pub file: StoredFile,
    /// Index of the uploader.
    pub created_by: u32,
    /// `sender.fingerprint`.
    pub fingerprint: String,
    /// Creation time.
    pub created_at: Millis,
}

/// A `TicketChange`: one recorded status change of a ticket.
pub struct TicketChange {
    /// Row id.
    pub id: Uuid,
    /// Index of the ticket.
    pub ticket: u32,
    /// Status before.
    pub status_from: u8,
    /// Status after.
    pub status_to: u8,
    /// `statusReason` before.
    pub reason_from: Option<String>,
    /// `statusReason` after.
    pub reason_to: Option<String>,
    /// Index of the user who made the change.
    pub created_by: Option<u32>,
    /// When.
    pub created_at: Millis,
}
