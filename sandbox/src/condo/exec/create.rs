//! `createTicket`, `createTicketComment` and `createTicketFile`: writes, run before the
//! operation is resolved.
//!
//! The executor resolves fields against a read-locked store, so the create fields of a mutation
//! are applied first, in document order, under the write lock; the mutation root then hands the
//! created rows to the executor, which shapes them by the selection. Creates nested in fragments
//! on the mutation root are not emulated.

use super::RequestMeta;
use crate::condo::data::fields::Rec;
use crate::condo::data::model::{CommentKind, UserKind};
use crate::condo::data::{NewComment, NewFile, Store};
use crate::condo::errors::{FieldFailure, check_dv_and_sender};
use crate::condo::state::Shared;
use apollo_compiler::ast;
use apollo_compiler::executable::{Operation, Selection};
use apollo_compiler::response::JsonMap;
use serde_json::{Value, json};
use std::collections::HashMap;

mod ticket;

/// The create mutations the emulator performs.
pub const CREATES: [&str; 3] = ["createTicket", "createTicketComment", "createTicketFile"];

/// The JSON key that stands for an uploaded file inside `variables` (see [`Upload`]).
pub const UPLOAD_MARKER: &str = "$sandboxUpload";

/// The outcome of each create field, by response key (alias or name).
pub type Created = HashMap<String, Result<Rec, FieldFailure>>;

/// One file of a GraphQL multipart request (`operations`, `map`, then the file parts).
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The part's file name.
    pub filename: String,
    /// The part's content type.
    pub mimetype: String,
    /// The bytes (truncated when `too_large`).
    pub bytes: Vec<u8>,
    /// The file was longer than the upload limit.
    pub too_large: bool,
}

/// Performs the create fields of `operation`; other fields are left to the executor.
pub fn apply(
    shared: &Shared,
    operation: &Operation,
    variables: &JsonMap,
    meta: &RequestMeta,
    uploads: &[Upload],
) -> Created {
    let mut created = Created::new();
    for selection in &operation.selection_set.selections {
        let Selection::Field(field) = selection else { continue };
        let mutation = field.name.as_str();
        if !CREATES.contains(&mutation) {
            continue;
        }
        let data =
            field.arguments.iter().find(|a| a.name == "data").map_or(Value::Null, |a| to_json(&a.value, variables));
        let input = Input { mutation, data: &data, uploads, upload_limit: shared.config.max_upload_bytes };
        let result = create(&mut shared.store_mut(), &input, meta.user);
        created.insert(field.response_key().to_string(), result);
    }
    created
}

/// The `data` argument of one create field, with what it needs.
struct Input<'a> {
    mutation: &'a str,
    data: &'a Value,
    uploads: &'a [Upload],
    upload_limit: usize,
}

fn create(store: &mut Store, input: &Input<'_>, user: Option<u32>) -> Result<Rec, FieldFailure> {
    let user = user.ok_or(FieldFailure::Unauthenticated)?;
    check_dv_and_sender(input.mutation, input.data)?;
    let fingerprint = input.data["sender"]["fingerprint"].as_str().unwrap_or_default().to_owned();
    match input.mutation {
        "createTicket" => ticket::create(store, input.data, user, fingerprint).map(Rec::Ticket),
        "createTicketComment" => create_comment(store, input.data, user, fingerprint).map(Rec::Comment),
        _ => create_file(store, input, user, fingerprint).map(Rec::File),
    }
}

/// `createTicketComment`: a resident may only write `resident` comments on their own tickets.
fn create_comment(store: &mut Store, data: &Value, user: u32, fingerprint: String) -> Result<u32, FieldFailure> {
    let mutation = "createTicketComment";
    let ticket = connect(data, "ticket").map(|id| readable_ticket(store, id, user, mutation)).transpose()?;
    let kind = match data.get("type").and_then(Value::as_str) {
        Some("organization") => Some(CommentKind::Organization),
        Some("resident") => Some(CommentKind::Resident),
        _ => None,
    };
    let (Some(ticket), Some(kind)) = (ticket, kind) else {
        let missing = [("ticket", ticket.is_none()), ("type", kind.is_none())];
        return Err(required(mutation, missing.iter().filter(|m| m.1).map(|m| m.0)));
    };
    if kind == CommentKind::Organization && is_resident(store, user) {
        return Err(denied(mutation));
    }
    let content = data.get("content").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(store.add_comment(NewComment { ticket, kind, content, user, fingerprint }))
}

/// `createTicketFile`: the upload must be within the limit; the organization comes from the
/// ticket, or from `organization` for a file not yet attached (staff only).
fn create_file(store: &mut Store, input: &Input<'_>, user: u32, fingerprint: String) -> Result<u32, FieldFailure> {
    let mutation = "createTicketFile";
    let data = input.data;
    let upload = data.get("file").and_then(|f| f.get(UPLOAD_MARKER)).and_then(Value::as_u64);
    let upload = upload.and_then(|i| input.uploads.get(i as usize));
    if upload.is_some_and(|u| u.too_large) {
        return Err(FieldFailure::UploadTooLarge { limit: input.upload_limit });
    }
    let ticket = connect(data, "ticket").map(|id| readable_ticket(store, id, user, mutation)).transpose()?;
    if ticket.is_none() && is_resident(store, user) {
        return Err(denied(mutation));
    }
    let organization = match (ticket, connect(data, "organization")) {
        (Some(t), _) => Some(store.tickets[t as usize].organization),
        (None, Some(id)) => Some(
            store
                .organizations
                .iter()
                .position(|o| o.id.to_string() == id)
                .ok_or_else(|| unknown(mutation, "organization"))? as u32,
        ),
        (None, None) => None,
    };
    let (Some(upload), Some(organization)) = (upload, organization) else {
        let missing = [("file", upload.is_none()), ("organization", organization.is_none())];
        return Err(required(mutation, missing.iter().filter(|m| m.1).map(|m| m.0)));
    };
    let new = NewFile {
        ticket,
        organization,
        filename: upload.filename.clone(),
        mimetype: upload.mimetype.clone(),
        bytes: upload.bytes.clone(),
        user,
        fingerprint,
    };
    Ok(store.add_file(new))
}

/// The ticket `id` if `user` may read it (and so comment on it or attach files to it).
fn readable_ticket(store: &Store, id: &str, user: u32, mutation: &str) -> Result<u32, FieldFailure> {
    let index = id.parse().ok().and_then(|id| store.ticket_index(&id)).ok_or_else(|| unknown(mutation, "ticket"))?;
    let live = store.tickets[index as usize].deleted_at.is_none();
    let allowed = !is_resident(store, user) || store.resident_reads_ticket(user, index);
    if live && allowed { Ok(index) } else { Err(unknown(mutation, "ticket")) }
}

fn is_resident(store: &Store, user: u32) -> bool {
    store.users[user as usize].kind == UserKind::Resident
}

/// `data.<key>.connect.id`.
fn connect<'v>(data: &'v Value, key: &str) -> Option<&'v str> {
    data.get(key)?.get("connect")?.get("id")?.as_str()
}

/// Keystone's "Required field … is null or undefined." for each missing field.
fn required<'f>(mutation: &str, fields: impl Iterator<Item = &'f str>) -> FieldFailure {
    let messages = fields.map(|f| format!("Required field \"{f}\" is null or undefined.")).collect();
    FieldFailure::Validation { mutation: mutation.to_owned(), messages }
}

/// A nested `connect` to a row that does not exist or is not visible (Keystone cannot tell
/// the two apart either).
fn unknown(mutation: &str, field: &str) -> FieldFailure {
    let message = format!("Unable to connect a {mutation}.{field}: no such item, or access denied");
    FieldFailure::Validation { mutation: mutation.to_owned(), messages: vec![message] }
}

fn denied(mutation: &str) -> FieldFailure {
    FieldFailure::AccessDenied { operation: "mutation", target: mutation.to_owned() }
}

/// An argument value with its variables substituted, as JSON.
fn to_json(value: &ast::Value, variables: &JsonMap) -> Value {
    match value {
        ast::Value::Null => Value::Null,
        ast::Value::Enum(name) => json!(name.as_str()),
        ast::Value::Variable(name) => {
            variables.get(name.as_str()).map_or(Value::Null, |v| serde_json::to_value(v).unwrap_or_default())
        }
        ast::Value::String(text) => json!(text),
        ast::Value::Float(f) => f.try_to_f64().map_or(Value::Null, |f| json!(f)),
        ast::Value::Int(i) => i.try_to_i32().map_or(Value::Null, |i| json!(i)),
        ast::Value::Boolean(b) => json!(b),
        ast::Value::List(items) => Value::Array(items.iter().map(|v| to_json(v, variables)).collect()),
        ast::Value::Object(fields) => {
            Value::Object(fields.iter().map(|(k, v)| (k.to_string(), to_json(v, variables))).collect())
        }
    }
}
