//! Field access for the rows around a ticket's life: comments, files and status changes.

use super::{Field, Rec, Tracked, opt_text, relation, sender, text};
use crate::condo::data::Store;
use crate::condo::data::catalog::{Locale, STATUSES};
use serde_json::{Value, json};
use std::borrow::Cow;

/// Where uploaded files are served, relative to the emulator's base URL.
pub const FILES_PATH: &str = "/api/files/ticket";

impl Store {
    /// Reads field `name` of comment `index`.
    pub(crate) fn comment_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let c = &self.comments[index as usize];
        match name {
            "type" => text(c.kind.as_str()),
            "ticket" => relation(Some(Rec::Ticket(c.ticket))),
            "user" | "createdBy" | "updatedBy" => relation(Some(Rec::User(c.user))),
            "content" => text(c.content.clone()),
            "sender" => sender(Some(&c.fingerprint)),
            _ => Tracked { deleted_at: c.deleted_at, ..Tracked::of(c.id, c.v, c.created_at, c.updated_at) }.field(name),
        }
    }

    /// Reads field `name` of ticket file `index` (`file` needs the base URL: see [`Store::file_json`]).
    pub(crate) fn file_field(&self, index: u32, name: &str) -> Option<Field<'_>> {
        let f = &self.files[index as usize];
        match name {
            "ticket" => relation(f.ticket.map(Rec::Ticket)),
            "organization" => relation(Some(Rec::Organization(f.organization))),
            "createdBy" | "updatedBy" => relation(Some(Rec::User(f.created_by))),
            "sender" => sender(Some(&f.fingerprint)),
            "file" => Some(Field::Object(Cow::Owned(self.file_json(index, "")))),
            _ => Tracked::of(f.id, 1, f.created_at, f.created_at).field(name),
        }
    }

    /// The `File` object of ticket file `index`; `publicUrl` is under `base_url`.
    pub fn file_json(&self, index: u32, base_url: &str) -> Value {
        let file = &self.files[index as usize].file;
        let path = format!("{}/{}", file.id, file.original_filename);
        json!({
            "id": file.id.to_string(),
            "path": path,
            "filename": format!("{}_{}", file.id, file.original_filename),
            "originalFilename": file.original_filename,
            "mimetype": file.mimetype,
            "encoding": "7bit",
            "publicUrl": format!("{base_url}{FILES_PATH}/{path}"),
            "meta": { "size": file.bytes.len() },
        })
    }

    /// Reads field `name` of status change `index`; fields of changes the emulator does not
    /// record (only status and its reason are) read as `null`, as Condo leaves unchanged ones.
    pub(crate) fn change_field(&self, index: u32, name: &str, locale: Locale) -> Option<Field<'_>> {
        let c = &self.changes[index as usize];
        let status_name = |s: u8| text(locale.pick(&STATUSES[s as usize].names));
        let status_type = |s: u8| text(STATUSES[s as usize].kind);
        match name {
            "ticket" => relation(Some(Rec::Ticket(c.ticket))),
            "statusIdFrom" => text(STATUSES[c.status_from as usize].id),
            "statusIdTo" => text(STATUSES[c.status_to as usize].id),
            "statusDisplayNameFrom" => status_name(c.status_from),
            "statusDisplayNameTo" => status_name(c.status_to),
            "statusDisplayNameFromNonLocalized" => status_type(c.status_from),
            "statusDisplayNameToNonLocalized" => status_type(c.status_to),
            "statusReasonFrom" => opt_text(c.reason_from.clone()),
            "statusReasonTo" => opt_text(c.reason_to.clone()),
            "createdBy" | "updatedBy" => relation(c.created_by.map(Rec::User)),
            other if other.ends_with("From") || other.ends_with("To") => Some(Field::Object(Cow::Owned(Value::Null))),
            _ => Tracked::of(c.id, 1, c.created_at, c.created_at).field(name),
        }
    }
}
