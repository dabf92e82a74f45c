//! `createTicket(data: TicketCreateInput)`: Condo's required fields, its resident rules and the
//! emulator's `details` limit.
//!
//! **No duplicates after a lost answer.** A create whose answer was lost (timeout, dropped
//! connection) may have been applied; Condo has no idempotency key. Before retrying, a caller
//! looks its ticket up by a marker it wrote on create: `sourceMeta` (JSON, writable on create,
//! filterable only as a whole) can carry `{ "dv": 1, "marketplaceRequestId": "<uuid>" }`, but
//! `TicketWhereInput` cannot filter inside JSON, so the reliable lookup key is a marker in
//! `details`: end it with a line such as `[mp:<request uuid>]` and search with
//! `allTickets(where: { organization: { id }, details_contains: "[mp:<uuid>]" }, first: 2)`.

use super::{connect, denied, required, unknown};
use crate::condo::data::Store;
use crate::condo::data::catalog::{self, CLASSIFIERS, SOURCES, STATUSES};
use crate::condo::data::model::{Ticket, UserKind};
use crate::condo::data::time;
use crate::condo::errors::FieldFailure;
use serde_json::Value;

/// The longest `details` the emulator accepts, in characters. Condo's own `Ticket.details` is
/// an unbounded `Text` (only the 512 KB variables limit bounds it); the emulator refuses longer
/// texts with Keystone's field-validation error so clients meet and handle that path. This is
/// the emulator's choice, not a Condo constant.
pub const MAX_DETAILS_LENGTH: usize = 10_000;

const MUTATION: &str = "createTicket";

/// The `TicketUnitTypeType` values.
const UNIT_TYPES: [&str; 5] = ["parking", "flat", "apartment", "commercial", "warehouse"];

/// Validates `data` and inserts the ticket; returns its index.
pub fn create(store: &mut Store, data: &Value, user: u32, fingerprint: String) -> Result<u32, FieldFailure> {
    let resident = store.users[user as usize].kind == UserKind::Resident;
    let property = find(store, data, "property", |s, id| s.properties.iter().position(|p| p.id.to_string() == id))?;
    let organization =
        find(store, data, "organization", |s, id| s.organizations.iter().position(|o| o.id.to_string() == id))?;
    let organization =
        organization.or_else(|| property.filter(|_| resident).map(|p| store.properties[p as usize].organization));
    let source = find(store, data, "source", |_, id| SOURCES.iter().position(|s| s.id == id))?;
    let source = source.or_else(|| {
        resident.then(|| SOURCES.iter().position(|s| s.kind == "mobile_app_resident")).flatten().map(|i| i as u32)
    });
    let details = data.get("details").and_then(Value::as_str).map(str::trim).filter(|d| !d.is_empty());
    let (Some(property), Some(organization), Some(source), Some(details)) = (property, organization, source, details)
    else {
        let missing = [
            ("organization", organization.is_none()),
            ("property", property.is_none()),
            ("details", details.is_none()),
            ("source", source.is_none()),
        ];
        return Err(required(MUTATION, missing.iter().filter(|m| m.1).map(|m| m.0)));
    };
    check_details(details)?;
    if store.properties[property as usize].organization != organization {
        return Err(invalid("[property:organization] the property does not belong to the ticket's organization"));
    }
    let unit_name = data.get("unitName").and_then(Value::as_str);
    if resident && !store.lives_in(user, property, unit_name) {
        return Err(denied(MUTATION));
    }
    let mut ticket = Ticket {
        organization,
        property,
        source: source as u8,
        details: details.to_owned(),
        priority: data.get("priority").and_then(Value::as_i64).unwrap_or(100),
        created_by: Some(user),
        fingerprint: Some(fingerprint),
        ..Ticket::default()
    };
    fill_optional(store, data, &mut ticket)?;
    if resident {
        // The resident app always names the resident's unit; default to it when missing.
        let home = store.residences.iter().find(|r| r.user == user && r.property == property);
        if let (None, Some(home)) = (&ticket.placement.unit_name, home) {
            ticket.placement = store.placement_of(property, &home.unit_name, home.unit_type);
        }
        let me = &store.users[user as usize];
        (ticket.client, ticket.client_name, ticket.client_phone) =
            (Some(user), Some(me.name.clone()), me.phone.clone());
        (ticket.is_resident_ticket, ticket.can_read_by_resident) = (true, true);
    }
    Ok(store.insert_ticket(ticket))
}

/// Optional fields: status, classifier, people, unit, flags, texts, dates and JSON.
fn fill_optional(store: &Store, data: &Value, ticket: &mut Ticket) -> Result<(), FieldFailure> {
    let user = |s: &Store, id: &str| s.users.iter().position(|u| u.id.to_string() == id);
    ticket.status = find(store, data, "status", |_, id| STATUSES.iter().position(|s| s.id == id))?
        .map_or(catalog::status::OPEN, |s| s as u8);
    ticket.classifier =
        find(store, data, "classifier", |_, id| CLASSIFIERS.iter().position(|c| c.id == id))?.map(|c| c as u8);
    ticket.assignee = find(store, data, "assignee", user)?;
    ticket.executor = find(store, data, "executor", user)?;
    ticket.client = find(store, data, "client", user)?;
    if let Some(label) = data.get("unitName").and_then(Value::as_str) {
        // Condo defaults `unitType` to `flat` when a unit is named.
        let kind = data.get("unitType").and_then(Value::as_str).unwrap_or("flat");
        let kind = UNIT_TYPES.iter().copied().find(|t| *t == kind).unwrap_or("flat");
        ticket.placement = store.placement_of(ticket.property, label, kind);
    }
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_owned);
    ticket.placement.section_name = text("sectionName").or(ticket.placement.section_name.take());
    ticket.placement.floor_name = text("floorName").or(ticket.placement.floor_name.take());
    if let Some(kind) = data.get("sectionType").and_then(Value::as_str) {
        ticket.placement.section_type = Some(if kind == "parking" { "parking" } else { "section" });
    }
    (ticket.title, ticket.status_reason) = (text("title"), text("statusReason"));
    (ticket.client_name, ticket.client_phone, ticket.client_email) =
        (text("clientName"), text("clientPhone"), text("clientEmail"));
    let flag = |key: &str| data.get(key).and_then(Value::as_bool).unwrap_or(false);
    (ticket.is_emergency, ticket.is_warranty, ticket.is_payable) =
        (flag("isEmergency"), flag("isWarranty"), flag("isPayable"));
    (ticket.is_resident_ticket, ticket.can_read_by_resident) = (flag("isResidentTicket"), flag("canReadByResident"));
    if let Some(deadline) = data.get("deadline").and_then(Value::as_str) {
        let parsed = time::parse_millis(deadline);
        ticket.deadline = Some(parsed.ok_or_else(|| invalid(&format!("[deadline] invalid date-time {deadline:?}")))?);
    }
    ticket.meta = json_field(data, "meta", true)?;
    ticket.source_meta = json_field(data, "sourceMeta", false)?;
    Ok(())
}

/// `details` after Condo's `normalizeText` (trimmed), within the emulator's limit.
fn check_details(details: &str) -> Result<(), FieldFailure> {
    let length = details.encode_utf16().count();
    if length > MAX_DETAILS_LENGTH {
        return Err(invalid(&format!(
            "[details:tooLong] details is {length} characters long, more than {MAX_DETAILS_LENGTH}"
        )));
    }
    Ok(())
}

/// A JSON field; `meta` must be an object with `dv: 1`, as Condo's field hook checks.
fn json_field(data: &Value, key: &str, versioned: bool) -> Result<Option<Value>, FieldFailure> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) if !versioned => Ok(Some(value.clone())),
        Some(value) if !value.is_object() => {
            Err(invalid(&format!("[json:expectObject:{key}] {key} field type error. We expect JSON Object")))
        }
        Some(value) if value.get("dv").and_then(Value::as_i64) != Some(1) => {
            Err(invalid(&format!("[json:unknownDataVersion:{key}] Unknown `dv` attr inside JSON Object")))
        }
        Some(value) => Ok(Some(value.clone())),
    }
}

/// The index of the row `data.<key>.connect.id` names, `None` when not given.
fn find(
    store: &Store,
    data: &Value,
    key: &str,
    lookup: impl Fn(&Store, &str) -> Option<usize>,
) -> Result<Option<u32>, FieldFailure> {
    match connect(data, key) {
        None => Ok(None),
        Some(id) => lookup(store, id).map(|i| Some(i as u32)).ok_or_else(|| unknown(MUTATION, key)),
    }
}

fn invalid(message: &str) -> FieldFailure {
    FieldFailure::Validation { mutation: MUTATION.to_owned(), messages: vec![message.to_owned()] }
}
