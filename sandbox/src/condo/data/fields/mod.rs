//! Field access for every emulated list: what a GraphQL field or a `where` key reads from a row.
//!
//! `Store::field` answers `None` for fields the emulator does not model, which the executor
//! turns into a clear GraphQL error instead of inventing a value.

mod activity;
mod reference;
mod ticket;

pub use activity::FILES_PATH;

use super::Store;
use super::time::{self, Millis};
use serde_json::{Value, json};
use std::borrow::Cow;
use uuid::Uuid;

/// A reference to one row of one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rec {
    /// `Organization`.
    Organization(u32),
    /// `Property`.
    Property(u32),
    /// `Ticket`.
    Ticket(u32),
    /// `User`.
    User(u32),
    /// `Contact`.
    Contact(u32),
    /// `TicketStatus`.
    Status(u8),
    /// `TicketSource`.
    Source(u8),
    /// `TicketClassifier`.
    Classifier(u8),
    /// `TicketPlaceClassifier`.
    Place(u8),
    /// `TicketCategoryClassifier`.
    Category(u8),
    /// `TicketProblemClassifier`.
    Problem(u8),
    /// `TicketComment`.
    Comment(u32),
    /// `TicketFile`.
    File(u32),
    /// `TicketChange`.
    Change(u32),
}

impl Rec {
    /// The GraphQL object type (and Keystone list key) of this row.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Organization(_) => "Organization",
            Self::Property(_) => "Property",
            Self::Ticket(_) => "Ticket",
            Self::User(_) => "User",
            Self::Contact(_) => "Contact",
            Self::Status(_) => "TicketStatus",
            Self::Source(_) => "TicketSource",
            Self::Classifier(_) => "TicketClassifier",
            Self::Place(_) => "TicketPlaceClassifier",
            Self::Category(_) => "TicketCategoryClassifier",
            Self::Problem(_) => "TicketProblemClassifier",
            Self::Comment(_) => "TicketComment",
            Self::File(_) => "TicketFile",
            Self::Change(_) => "TicketChange",
        }
    }
}

/// A scalar field value, typed so filters compare timestamps as instants.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (also enum values and ids).
    Text(Cow<'static, str>),
    /// A `DateTimeUtc` value.
    Instant(Millis),
}

impl Scalar {
    /// The JSON form of the value as Condo sends it.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Int(i) => json!(i),
            Self::Text(s) => Value::String(s.to_string()),
            Self::Instant(ms) => Value::String(time::iso(*ms)),
        }
    }
}

/// What a field of a row holds.
pub enum Field<'a> {
    /// A scalar or enum.
    Scalar(Scalar),
    /// A to-one relationship (a Keystone list object), possibly empty.
    Relation(Option<Rec>),
    /// A JSON-backed object such as `BuildingMap` or `SenderField`.
    Object(Cow<'a, Value>),
}

/// Shorthands used by the per-list accessors.
pub(crate) fn text(s: impl Into<Cow<'static, str>>) -> Option<Field<'static>> {
    Some(Field::Scalar(Scalar::Text(s.into())))
}

pub(crate) fn opt_text(s: Option<impl Into<Cow<'static, str>>>) -> Option<Field<'static>> {
    Some(Field::Scalar(s.map_or(Scalar::Null, |s| Scalar::Text(s.into()))))
}

pub(crate) fn int(i: i64) -> Option<Field<'static>> {
    Some(Field::Scalar(Scalar::Int(i)))
}

pub(crate) fn boolean(b: bool) -> Option<Field<'static>> {
    Some(Field::Scalar(Scalar::Bool(b)))
}

pub(crate) fn instant(ms: Option<Millis>) -> Option<Field<'static>> {
    Some(Field::Scalar(ms.map_or(Scalar::Null, Scalar::Instant)))
}

pub(crate) fn relation(rec: Option<Rec>) -> Option<Field<'static>> {
    Some(Field::Relation(rec))
}

/// `sender`: the fingerprint a write was made with (generated rows say `condo-sandbox`).
pub(crate) fn sender(fingerprint: Option<&str>) -> Option<Field<'static>> {
    let fingerprint = fingerprint.unwrap_or("condo-sandbox");
    Some(Field::Object(Cow::Owned(json!({ "dv": 1, "fingerprint": fingerprint }))))
}

/// The bookkeeping fields every Keystone list has.
pub(crate) struct Tracked {
    pub id: Cow<'static, str>,
    pub v: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub deleted_at: Option<Millis>,
}

impl Tracked {
    pub(crate) fn of(id: Uuid, v: i64, created_at: Millis, updated_at: Millis) -> Self {
        Self { id: id.to_string().into(), v, created_at, updated_at, deleted_at: None }
    }

    pub(crate) fn field(&self, name: &str) -> Option<Field<'static>> {
        match name {
            "id" => text(self.id.clone()),
            "v" => int(self.v),
            "dv" => int(1),
            "createdAt" => instant(Some(self.created_at)),
            "updatedAt" => instant(Some(self.updated_at)),
            "deletedAt" => instant(self.deleted_at),
            "createdBy" | "updatedBy" => relation(None),
            "newId" => opt_text(None::<&'static str>),
            "sender" => sender(None),
            _ => None,
        }
    }
}

impl Store {
    /// Reads field `name` of `rec`; `None` means the emulator does not model that field.
    pub fn field(&self, rec: Rec, name: &str, locale: super::catalog::Locale) -> Option<Field<'_>> {
        match rec {
            Rec::Ticket(i) => self.ticket_field(i, name),
            Rec::Property(i) => self.property_field(i, name),
            Rec::Organization(i) => self.organization_field(i, name),
            Rec::User(i) => self.user_field(i, name),
            Rec::Contact(i) => self.contact_field(i, name),
            Rec::Comment(i) => self.comment_field(i, name),
            Rec::File(i) => self.file_field(i, name),
            Rec::Change(i) => self.change_field(i, name, locale),
            _ => reference::catalog_field(rec, name, locale),
        }
    }

    /// The ticket a row belongs to (the ticket itself, or a comment's, file's or change's).
    pub fn ticket_of(&self, rec: Rec) -> Option<u32> {
        match rec {
            Rec::Ticket(i) => Some(i),
            Rec::Comment(i) => Some(self.comments[i as usize].ticket),
            Rec::File(i) => self.files[i as usize].ticket,
            Rec::Change(i) => Some(self.changes[i as usize].ticket),
            _ => None,
        }
    }

    /// Whether the row is soft-deleted (tickets and comments can be).
    pub fn is_deleted(&self, rec: Rec) -> bool {
        match rec {
            Rec::Ticket(i) => self.tickets[i as usize].deleted_at.is_some(),
            Rec::Comment(i) => self.comments[i as usize].deleted_at.is_some(),
            _ => false,
        }
    }
}
