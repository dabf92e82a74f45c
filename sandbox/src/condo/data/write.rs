//! Rows written through Condo's API: tickets, comments and files created by mutations, and
//! the resident accounts the control API adds.
//!
//! Callers (the mutation layer) have already checked access and input; these functions only
//! assign ids, numbers and times and keep the indexes in step.

use super::Store;
use super::model::{
    CommentKind, Placement, Residence, SectionKind, StoredFile, Ticket, TicketComment, TicketFile, User, UserKind,
};
use super::time::Millis;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A control-API request to add a resident of one unit (and sign them in).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResidentLogin {
    /// The property the resident lives in.
    pub property_id: Uuid,
    /// The unit label (`unitName`).
    pub unit_name: String,
    /// The resident's display name.
    pub name: Option<String>,
    /// The resident's phone, used by `authenticateUserWithPhoneAndPassword(userType: resident)`.
    pub phone: Option<String>,
}

/// The resident created by [`Store::add_resident`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResidentAccount {
    /// The `User.id`.
    pub user_id: Uuid,
    /// Index of the user, for starting a session.
    #[serde(skip)]
    pub user: u32,
    /// The phone the resident signs in with.
    pub phone: String,
    /// A session token for the resident, filled in by the handle.
    pub token: String,
}

/// A comment to add.
pub struct NewComment {
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
}

/// A file to add.
pub struct NewFile {
    /// Index of the ticket, if attached.
    pub ticket: Option<u32>,
    /// Index of the organization.
    pub organization: u32,
    /// The name the client sent.
    pub filename: String,
    /// The content type the client sent.
    pub mimetype: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Index of the uploader.
    pub user: u32,
    /// `sender.fingerprint`.
    pub fingerprint: String,
}

impl Store {
    /// Inserts a ticket built by `createTicket`: assigns id, the next global `number`, `v: 1`,
    /// status `new_or_reopened` unless set, and `createdAt = updatedAt = statusUpdatedAt = now`.
    pub fn insert_ticket(&mut self, mut ticket: Ticket) -> u32 {
        let at = self.tick();
        ticket.id = self.rng.uuid();
        ticket.number = self.tickets.iter().map(|t| t.number).max().unwrap_or(0) + 1;
        ticket.v = 1;
        (ticket.created_at, ticket.updated_at, ticket.status_updated_at) = (at, at, at);
        ticket.property_address = self.properties[ticket.property as usize].address.clone();
        let index = self.tickets.len() as u32;
        self.by_update.insert((at, ticket.number), index);
        self.by_id.insert(ticket.id, index);
        self.tickets.push(ticket);
        index
    }

    /// The section and floor of unit `label` in `property`'s map; just the unit when the map
    /// has no such unit (Condo keeps what the client wrote).
    pub fn placement_of(&self, property: u32, label: &str, unit_type: &'static str) -> Placement {
        let units = &self.properties[property as usize].units;
        match units.iter().find(|u| u.label == label && u.unit_type == unit_type) {
            Some(unit) => Placement {
                section_name: Some(unit.section_name.clone()),
                section_type: Some(unit.section_kind.as_str()),
                floor_name: Some(unit.floor_name.clone()),
                unit_name: Some(label.to_owned()),
                unit_type: Some(unit_type),
            },
            None => Placement { unit_name: Some(label.to_owned()), unit_type: Some(unit_type), ..Placement::default() },
        }
    }

    /// Adds a comment; the ticket's `lastCommentAt` (and `lastResidentCommentAt` for a resident
    /// author) change, which bumps its `v` and `updatedAt` like any ticket update.
    pub fn add_comment(&mut self, new: NewComment) -> u32 {
        let at = self.touch(new.ticket);
        let by_resident = self.users[new.user as usize].kind == UserKind::Resident;
        let ticket = &mut self.tickets[new.ticket as usize];
        ticket.last_comment_at = Some(at);
        if by_resident && new.kind == CommentKind::Resident {
            ticket.last_resident_comment_at = Some(at);
        }
        let comment = TicketComment {
            id: self.rng.uuid(),
            ticket: new.ticket,
            kind: new.kind,
            content: new.content,
            user: new.user,
            fingerprint: new.fingerprint,
            created_at: at,
            v: 1,
            updated_at: at,
            deleted_at: None,
        };
        self.comments.push(comment);
        self.comments.len() as u32 - 1
    }

    /// Stores an uploaded file.
    pub fn add_file(&mut self, new: NewFile) -> u32 {
        let at = self.tick();
        let file = StoredFile {
            id: self.rng.uuid(),
            original_filename: new.filename,
            mimetype: new.mimetype,
            bytes: std::sync::Arc::new(new.bytes),
        };
        let row = TicketFile {
            id: self.rng.uuid(),
            ticket: new.ticket,
            organization: new.organization,
            file,
            created_by: new.user,
            fingerprint: new.fingerprint,
            created_at: at,
        };
        self.files.push(row);
        self.files.len() as u32 - 1
    }

    /// The ticket file whose `File.id` is `file_id`.
    pub fn file_by_file_id(&self, file_id: Uuid) -> Option<u32> {
        self.files.iter().position(|f| f.file.id == file_id).map(|i| i as u32)
    }

    /// Adds a resident user living in a unit of a property (a flat unless the label is only a
    /// parking place). `None` when the property or the unit does not exist.
    pub fn add_resident(&mut self, login: &ResidentLogin) -> Option<ResidentAccount> {
        let property = self.properties.iter().position(|p| p.id == login.property_id)? as u32;
        let unit = self.properties[property as usize].units.iter().find(|u| u.label == login.unit_name)?;
        let unit_type = if unit.section_kind == SectionKind::Parking { "parking" } else { unit.unit_type };
        let user_id = self.rng.uuid();
        let phone = login.phone.clone().unwrap_or_else(|| format!("+1555030{:04}", self.users.len() % 10_000));
        let name = login.name.clone().unwrap_or_else(|| format!("Resident of {}", login.unit_name));
        let created_at: Millis = self.tick();
        let user =
            User { id: user_id, name, kind: UserKind::Resident, phone: Some(phone.clone()), email: None, created_at };
        self.users.push(user);
        let index = self.users.len() as u32 - 1;
        let residence = Residence { user: index, property, unit_name: login.unit_name.clone(), unit_type };
        self.residences.push(residence);
        Some(ResidentAccount { user_id, user: index, phone, token: String::new() })
    }

    /// Whether resident `user` lives in unit `unit_name` of `property`.
    pub fn lives_in(&self, user: u32, property: u32, unit_name: Option<&str>) -> bool {
        self.residences
            .iter()
            .any(|r| r.user == user && r.property == property && unit_name.is_none_or(|u| u == r.unit_name))
    }

    /// Whether a resident `user` may read ticket `index`: their own ticket, shown in the app.
    pub fn resident_reads_ticket(&self, user: u32, index: u32) -> bool {
        let ticket = &self.tickets[index as usize];
        ticket.client == Some(user) && ticket.can_read_by_resident
    }
}
