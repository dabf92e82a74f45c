//! Maintenance requests filed here and comments written here: what the tenant's form offers,
//! and how each record's sending to Condo stands.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where the sending of a record to Condo stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendState {
    /// Stored here, not in Condo yet (first try, or Condo did not answer: it is retried).
    Waiting,
    /// Condo has it.
    Sent,
    /// Condo will not take it; `reason` says why.
    Refused,
}

impl SendState {
    /// From the outbox's state (`sending` is still waiting, as far as people are concerned).
    pub fn from_outbox(state: &str) -> Self {
        match state {
            "sent" => Self::Sent,
            "refused" => Self::Refused,
            _ => Self::Waiting,
        }
    }
}

/// A record's sending state, with Condo's reason when it refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sending {
    /// Where it stands.
    pub state: SendState,
    /// Why Condo refused it.
    pub reason: Option<String>,
}

/// What `POST /api/maintenance` answers (202: stored, to be sent to Condo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFiled {
    /// Our id of the request (also the ticket's id here).
    pub id: Uuid,
    /// Its title (the description's first line).
    pub title: String,
    /// Its page.
    pub url: String,
    /// The photos stored with it.
    pub photos: usize,
    /// Where its sending stands.
    pub sending: Sending,
}

/// What `POST /api/maintenance/{id}/comments` answers (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentAdded {
    /// Our id of the comment.
    pub id: Uuid,
    /// The ticket.
    pub ticket_id: Uuid,
    /// Whether the tenant sees it.
    pub for_residents: bool,
    /// Where its sending stands (`None`: a ticket of ours only, nothing to send).
    pub sending: Option<Sending>,
}

/// A unit the tenant may file a request for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChoice {
    /// Our unit.
    pub id: Uuid,
    /// "Harbour View, 3B".
    pub label: String,
    /// Whether its property is linked to Condo (if not, a request cannot be sent).
    pub linked: bool,
}

/// A category (Condo's classifier) the tenant may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChoice {
    /// Condo's classifier id.
    pub id: String,
    /// "Flat · Plumbing · Leak".
    pub label: String,
}

/// What the request form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestForm {
    /// The units the tenant rents today.
    pub units: Vec<UnitChoice>,
    /// Condo's categories.
    pub categories: Vec<CategoryChoice>,
    /// Photos per request at most.
    pub max_photos: usize,
    /// The largest photo, in MiB.
    pub max_photo_mib: usize,
    /// The longest description, in characters.
    pub max_description: usize,
}
