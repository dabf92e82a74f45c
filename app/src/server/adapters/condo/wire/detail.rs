//! Wire types of a ticket's detail: its comments, status changes and files (`TicketDetail`),
//! and the reference data read once per run (`ReferenceData`: classifiers, files since).

use serde::Deserialize;

use super::IdOnly;

/// `{ name }` of a related `User` or classifier part.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WireName {
    pub name: Option<String>,
}

/// `TicketClassifier { id place { name } category { name } problem { name } }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct WireClassifier {
    pub id: String,
    pub place: Option<WireName>,
    pub category: Option<WireName>,
    pub problem: Option<WireName>,
}

/// A `TicketComment`: `type` is `organization` (staff only) or `resident`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireComment {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub content: Option<String>,
    pub user: Option<WireName>,
    pub ticket: Option<IdOnly>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// A `TicketChange` that changed the status (`statusIdTo` set).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireChange {
    pub id: String,
    pub ticket: Option<IdOnly>,
    pub status_id_from: Option<String>,
    pub status_id_to: Option<String>,
    pub status_display_name_from: Option<String>,
    pub status_display_name_to: Option<String>,
    pub status_reason_to: Option<String>,
    pub created_by: Option<WireName>,
    pub created_at: Option<String>,
}

/// A `TicketFile` with its `File`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireFile {
    pub id: String,
    pub ticket: Option<IdOnly>,
    pub file: Option<WireFileObject>,
    pub created_at: Option<String>,
}

/// `File { publicUrl originalFilename mimetype }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireFileObject {
    pub public_url: Option<String>,
    pub original_filename: Option<String>,
    pub mimetype: Option<String>,
}

/// `TicketStatus { id type }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct WireStatusRef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `data` of `TicketDetail` and of its single-list operations (absent lists are empty).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct TicketDetailData {
    #[serde(default)]
    pub comments: Vec<WireComment>,
    #[serde(default)]
    pub changes: Vec<WireChange>,
    #[serde(default)]
    pub files: Vec<WireFile>,
    #[serde(default)]
    pub statuses: Vec<WireStatusRef>,
}

/// A comment changed since a time: which ticket's comments to read again.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireCommentChange {
    pub id: String,
    pub ticket: Option<WireTicketStamp>,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// A ticket's id and last change.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireTicketStamp {
    pub id: String,
    pub updated_at: Option<String>,
}

/// `data` of `CommentsChangedSince`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct CommentsChangedData {
    #[serde(default)]
    pub comments: Vec<WireCommentChange>,
}

/// `data` of `ReferenceData` and of its single-list operations (absent lists are empty).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ReferenceDataData {
    #[serde(default)]
    pub classifiers: Vec<WireClassifier>,
    #[serde(default)]
    pub files: Vec<WireFile>,
}
