//! Writes to Condo: tickets filed here, their photos and comments ([`CondoWriter`]).
//!
//! Condo has no idempotency key for these, and a request whose answer is lost may have been
//! applied, so a write is sent **once** (no automatic retry; only a refused session is signed
//! in again, since Condo then did nothing) and each record carries a marker
//! (`domain::condo_marker`) that [`CondoWriter::find_ticket`] and its siblings look up before
//! the outbox sends it again.

use serde::Deserialize;
use serde_json::{Value, json};
use std::future::Future;

use super::CondoError;

/// `CreateTicket`.
pub const CREATE_TICKET_OPERATION: &str = include_str!("operations/create_ticket.graphql");
/// `TicketByMarker`.
pub const TICKET_BY_MARKER_OPERATION: &str = include_str!("operations/ticket_by_marker.graphql");
/// `CreateTicketFile`.
pub const CREATE_TICKET_FILE_OPERATION: &str = include_str!("operations/create_ticket_file.graphql");
/// `TicketFileNames`.
pub const TICKET_FILE_NAMES_OPERATION: &str = include_str!("operations/ticket_file_names.graphql");
/// `CreateTicketComment`.
pub const CREATE_TICKET_COMMENT_OPERATION: &str = include_str!("operations/create_ticket_comment.graphql");
/// `CommentByMarker`.
pub const COMMENT_BY_MARKER_OPERATION: &str = include_str!("operations/comment_by_marker.graphql");
/// `TicketTarget`.
pub const TICKET_TARGET_OPERATION: &str = include_str!("operations/ticket_target.graphql");

/// Every write-side operation file, by name, for the schema checks.
pub const WRITE_OPERATIONS: [(&str, &str); 7] = [
    ("create_ticket.graphql", CREATE_TICKET_OPERATION),
    ("ticket_by_marker.graphql", TICKET_BY_MARKER_OPERATION),
    ("create_ticket_file.graphql", CREATE_TICKET_FILE_OPERATION),
    ("ticket_file_names.graphql", TICKET_FILE_NAMES_OPERATION),
    ("create_ticket_comment.graphql", CREATE_TICKET_COMMENT_OPERATION),
    ("comment_by_marker.graphql", COMMENT_BY_MARKER_OPERATION),
    ("ticket_target.graphql", TICKET_TARGET_OPERATION),
];

/// Condo's `sender` of every write: `dv: 1` and our fingerprint (Condo's `dvAndSender` check).
pub const SENDER_FINGERPRINT: &str = "marketplace";

/// Where a new ticket goes in Condo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTarget {
    /// The property's organization.
    pub organization_id: String,
    /// The ticket source we file under (Condo's `web_app`).
    pub source_id: String,
}

/// A ticket to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    /// Condo's property.
    pub property_id: String,
    /// The unit's label in the property's map (`unitName`), and its type.
    pub unit_name: String,
    /// `flat`, `parking`, ...
    pub unit_type: String,
    /// The text, ending with our marker.
    pub details: String,
    /// `TicketClassifier` id, when the tenant chose a category.
    pub classifier_id: Option<String>,
    /// Whether it is an emergency.
    pub is_emergency: bool,
    /// The tenant's name, e-mail and phone, as Condo's client fields.
    pub client_name: String,
    /// The tenant's e-mail.
    pub client_email: String,
    /// The tenant's phone, when known.
    pub client_phone: Option<String>,
}

/// An id and a number, as Condo gives a ticket back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedTicket {
    /// Condo's id.
    pub id: String,
    /// Condo's number.
    pub number: i64,
}

/// One file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The file name, our marker (`mp-<uuid>.<ext>`).
    pub filename: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What the outbox needs to write to Condo.
pub trait CondoWriter: Send + Sync {
    /// The organization of `property_id` and our ticket source.
    fn ticket_target(&self, property_id: &str) -> impl Future<Output = Result<TicketTarget, CondoError>> + Send;
    /// Creates a ticket (sent once).
    fn create_ticket(
        &self,
        target: &TicketTarget,
        ticket: &NewTicket,
    ) -> impl Future<Output = Result<CreatedTicket, CondoError>> + Send;
    /// The ticket of `organization_id` whose details contain `marker`, if any.
    fn find_ticket(
        &self,
        organization_id: &str,
        marker: &str,
    ) -> impl Future<Output = Result<Option<CreatedTicket>, CondoError>> + Send;
    /// Uploads a file to a ticket (sent once); returns the `TicketFile` id.
    fn upload_file(&self, ticket_id: &str, file: &Upload) -> impl Future<Output = Result<String, CondoError>> + Send;
    /// The id of the file of `ticket_id` named `filename`, if any.
    fn find_file(
        &self,
        ticket_id: &str,
        filename: &str,
    ) -> impl Future<Output = Result<Option<String>, CondoError>> + Send;
    /// Adds a comment (sent once); `for_residents` makes it a `resident` comment.
    fn create_comment(
        &self,
        ticket_id: &str,
        content: &str,
        for_residents: bool,
    ) -> impl Future<Output = Result<String, CondoError>> + Send;
    /// The id of the comment of `ticket_id` whose content contains `marker`, if any.
    fn find_comment(
        &self,
        ticket_id: &str,
        marker: &str,
    ) -> impl Future<Output = Result<Option<String>, CondoError>> + Send;
}

/// `sender` and `dv` of every write.
pub fn dv_and_sender() -> Value {
    json!({ "dv": 1, "sender": { "dv": 1, "fingerprint": SENDER_FINGERPRINT } })
}

/// The `data` of `createTicket`.
pub fn ticket_input(target: &TicketTarget, ticket: &NewTicket) -> Value {
    let mut data = dv_and_sender();
    let fields = json!({
        "organization": { "connect": { "id": target.organization_id } },
        "property": { "connect": { "id": ticket.property_id } },
        "source": { "connect": { "id": target.source_id } },
        "unitName": ticket.unit_name,
        "unitType": ticket.unit_type,
        "details": ticket.details,
        "isEmergency": ticket.is_emergency,
        "isResidentTicket": false,
        "canReadByResident": true,
        "clientName": ticket.client_name,
        "clientEmail": ticket.client_email,
    });
    merge(&mut data, fields);
    if let Some(id) = &ticket.classifier_id {
        data["classifier"] = json!({ "connect": { "id": id } });
    }
    if let Some(phone) = &ticket.client_phone {
        data["clientPhone"] = json!(phone);
    }
    data
}

/// The `data` of `createTicketComment`.
pub fn comment_input(ticket_id: &str, content: &str, for_residents: bool) -> Value {
    let mut data = dv_and_sender();
    let kind = if for_residents { "resident" } else { "organization" };
    merge(&mut data, json!({ "ticket": { "connect": { "id": ticket_id } }, "type": kind, "content": content }));
    data
}

/// The `data` of `createTicketFile` (the upload is mapped onto `file`).
pub fn file_input(ticket_id: &str) -> Value {
    let mut data = dv_and_sender();
    merge(&mut data, json!({ "ticket": { "connect": { "id": ticket_id } }, "file": null }));
    data
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

/// A GraphQL multipart request body (the spec's `operations`, `map`, then the file part
/// `0` mapped onto `variables.data.file`) and its content type.
pub fn multipart_body(operations: &Value, file: &Upload, boundary: &str) -> (String, Vec<u8>) {
    let mut body = Vec::with_capacity(file.bytes.len() + 1024);
    let mut part = |headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part("Content-Disposition: form-data; name=\"operations\"", operations.to_string().as_bytes());
    part("Content-Disposition: form-data; name=\"map\"", br#"{"0":["variables.data.file"]}"#);
    let name = file.filename.replace(['"', '\r', '\n', '\\'], "_");
    let headers = format!(
        "Content-Disposition: form-data; name=\"0\"; filename=\"{name}\"\r\nContent-Type: {}",
        file.content_type
    );
    part(&headers, &file.bytes);
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_operation_is_valid_against_condos_schema() {
        for (name, text) in WRITE_OPERATIONS {
            assert!(text.len() <= 8_192, "{name} is over Condo's 8,192 characters");
            if let Err(problems) = sandbox::condo::schema::validate_operation(text) {
                panic!("{name} is not valid against schema.graphql: {problems:#?}");
            }
        }
    }

    #[test]
    fn inputs_carry_dv_and_sender_and_the_classifier_only_when_chosen() {
        let target = TicketTarget { organization_id: "o".into(), source_id: "s".into() };
        let ticket = NewTicket {
            property_id: "p".into(),
            unit_name: "12".into(),
            unit_type: "flat".into(),
            details: "Leak\n\n[mp:x]".into(),
            classifier_id: None,
            is_emergency: true,
            client_name: "Ana".into(),
            client_email: "ana@example.com".into(),
            client_phone: None,
        };
        let data = ticket_input(&target, &ticket);
        assert_eq!(data["sender"]["fingerprint"], SENDER_FINGERPRINT);
        assert_eq!((data["dv"].as_i64(), data["unitName"].as_str()), (Some(1), Some("12")));
        assert!(data.get("classifier").is_none() && data.get("clientPhone").is_none());
        assert_eq!(comment_input("t", "Hi", false)["type"], "organization");
        let upload = Upload { filename: "a\"b.png".into(), content_type: "image/png".into(), bytes: vec![1, 2] };
        let (kind, body) = multipart_body(&json!({}), &upload, "B");
        assert_eq!(kind, "multipart/form-data; boundary=B");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("filename=\"a_b.png\"") && text.ends_with("--B--\r\n"), "{text}");
    }
}
