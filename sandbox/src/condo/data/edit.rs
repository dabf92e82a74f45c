//! Changes made through the sandbox control API: edits, soft deletion and new tickets; edits
//! and soft deletion of comments.
//!
//! Every change bumps `v` and sets `updatedAt` to a time later than any existing row, so an
//! incremental import that remembers its high-water mark sees exactly the changed tickets. A
//! comment's edit or deletion changes the comment alone, not its ticket, as in Condo (only a
//! new comment updates the ticket's `lastCommentAt`).

use super::catalog::{self, STATUSES};
use super::model::TicketChange;
use super::time::{self, Millis};
use super::{Store, tickets};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

/// Fields a test may change on a ticket; absent fields stay as they are.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketEdit {
    /// New status `type` (`new_or_reopened`, `processing`, …).
    pub status: Option<String>,
    /// New title; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    pub title: Option<Option<String>>,
    /// New details text.
    pub details: Option<String>,
    /// New priority.
    pub priority: Option<i64>,
    /// New emergency flag.
    pub is_emergency: Option<bool>,
}

/// A request to create tickets, as residents would.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTickets {
    /// How many tickets to create (at least one).
    pub count: usize,
    /// Restrict to this organization's properties.
    pub organization: Option<Uuid>,
    /// Put every ticket on this property.
    pub property: Option<Uuid>,
    /// Initial status `type` (default `new_or_reopened`).
    pub status: Option<String>,
}

/// A compact view of one ticket, returned by the control API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TicketInfo {
    /// Ticket id.
    pub id: Uuid,
    /// Ticket number.
    pub number: i64,
    /// Version.
    pub v: i64,
    /// Organization id.
    pub organization_id: Uuid,
    /// Property id.
    pub property_id: Uuid,
    /// Status `type`.
    pub status_type: String,
    /// Unit label, if any.
    pub unit_name: Option<String>,
    /// Last update time (ISO-8601).
    pub updated_at: String,
    /// Soft-deletion time, if deleted.
    pub deleted_at: Option<String>,
}

/// A comment's new text.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentEdit {
    /// The new content.
    pub content: String,
}

/// A compact view of one comment, returned by the control API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommentInfo {
    /// Comment id.
    pub id: Uuid,
    /// Its ticket's id.
    pub ticket_id: Uuid,
    /// Its text.
    pub content: String,
    /// Version.
    pub v: i64,
    /// Last update time (ISO-8601).
    pub updated_at: String,
    /// Soft-deletion time, if deleted.
    pub deleted_at: Option<String>,
}

/// Why a control-API change was refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// No ticket has this id.
    #[error("no ticket with id {0}")]
    NotFound(Uuid),
    /// The ticket is soft-deleted and can no longer change.
    #[error("ticket {0} is already deleted")]
    AlreadyDeleted(Uuid),
    /// No comment has this id.
    #[error("no comment with id {0}")]
    CommentNotFound(Uuid),
    /// The comment is soft-deleted and can no longer change.
    #[error("comment {0} is already deleted")]
    CommentDeleted(Uuid),
    /// The status type is not one of Condo's.
    #[error("unknown status type {0:?}")]
    UnknownStatus(String),
    /// The organization or property id is unknown, or has no property.
    #[error("no property matches the request")]
    NoProperty,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl Store {
    /// A fresh update time: now, or just after the newest row if the clock is behind.
    pub(super) fn tick(&mut self) -> Millis {
        self.clock = time::now_millis().max(self.clock + 1);
        self.clock
    }

    /// The compact view of ticket `index`.
    pub fn ticket_info(&self, index: u32) -> TicketInfo {
        let t = &self.tickets[index as usize];
        TicketInfo {
            id: t.id,
            number: t.number,
            v: t.v,
            organization_id: self.organizations[t.organization as usize].id,
            property_id: self.properties[t.property as usize].id,
            status_type: STATUSES[t.status as usize].kind.to_owned(),
            unit_name: t.placement.unit_name.clone(),
            updated_at: time::iso(t.updated_at),
            deleted_at: t.deleted_at.map(time::iso),
        }
    }

    /// Compact views of all tickets, deleted ones included, in `number` order.
    pub fn ticket_infos(&self) -> Vec<TicketInfo> {
        (0..self.tickets.len() as u32).map(|i| self.ticket_info(i)).collect()
    }

    fn live_ticket(&self, id: Uuid) -> Result<u32, EditError> {
        let index = self.ticket_index(&id).ok_or(EditError::NotFound(id))?;
        match self.tickets[index as usize].deleted_at {
            Some(_) => Err(EditError::AlreadyDeleted(id)),
            None => Ok(index),
        }
    }

    /// Applies `edit` to a ticket, bumping `v` and `updatedAt`.
    pub fn edit_ticket(&mut self, id: Uuid, edit: &TicketEdit) -> Result<TicketInfo, EditError> {
        let index = self.live_ticket(id)?;
        let status = match &edit.status {
            Some(kind) => Some(catalog::status_by_type(kind).ok_or_else(|| EditError::UnknownStatus(kind.clone()))?),
            None => None,
        };
        let at = self.touch(index);
        let ticket = &mut self.tickets[index as usize];
        if let Some(title) = &edit.title {
            ticket.title = title.clone();
        }
        if let Some(details) = &edit.details {
            ticket.details = details.clone();
        }
        ticket.priority = edit.priority.unwrap_or(ticket.priority);
        ticket.is_emergency = edit.is_emergency.unwrap_or(ticket.is_emergency);
        if let Some(kind) = status {
            let staff = &self.staff[ticket.organization as usize];
            let (status_from, reason_from) = (ticket.status, ticket.status_reason.clone());
            tickets::set_status(&mut self.rng, ticket, kind, staff);
            ticket.status_updated_at = at;
            // The control API plays a dispatcher: the ticket's assignee, else one of the organization's.
            let by = ticket.assignee.or_else(|| staff.dispatchers.first().copied());
            let change = TicketChange {
                id: self.rng.uuid(),
                ticket: index,
                status_from,
                status_to: kind,
                reason_from,
                reason_to: ticket.status_reason.clone(),
                created_by: by,
                created_at: at,
            };
            self.changes.push(change);
        }
        Ok(self.ticket_info(index))
    }

    /// Soft-deletes a ticket: `deletedAt` and `updatedAt` become now, `v` is bumped.
    pub fn delete_ticket(&mut self, id: Uuid) -> Result<TicketInfo, EditError> {
        let index = self.live_ticket(id)?;
        let at = self.touch(index);
        self.tickets[index as usize].deleted_at = Some(at);
        Ok(self.ticket_info(index))
    }

    /// The compact view of comment `index`.
    fn comment_info(&self, index: usize) -> CommentInfo {
        let c = &self.comments[index];
        CommentInfo {
            id: c.id,
            ticket_id: self.tickets[c.ticket as usize].id,
            content: c.content.clone(),
            v: c.v,
            updated_at: time::iso(c.updated_at),
            deleted_at: c.deleted_at.map(time::iso),
        }
    }

    /// Bumps `v` and `updatedAt` of the live comment `id`; its index and the new time.
    fn touch_comment(&mut self, id: Uuid) -> Result<(usize, Millis), EditError> {
        let index = self.comments.iter().position(|c| c.id == id).ok_or(EditError::CommentNotFound(id))?;
        if self.comments[index].deleted_at.is_some() {
            return Err(EditError::CommentDeleted(id));
        }
        let at = self.tick();
        let comment = &mut self.comments[index];
        comment.updated_at = at;
        comment.v += 1;
        Ok((index, at))
    }

    /// Changes a comment's text, bumping its `v` and `updatedAt` (its ticket does not change).
    pub fn edit_comment(&mut self, id: Uuid, edit: &CommentEdit) -> Result<CommentInfo, EditError> {
        let (index, _) = self.touch_comment(id)?;
        self.comments[index].content = edit.content.clone();
        Ok(self.comment_info(index))
    }

    /// Soft-deletes a comment: `deletedAt` and `updatedAt` become now, `v` is bumped.
    pub fn delete_comment(&mut self, id: Uuid) -> Result<CommentInfo, EditError> {
        let (index, at) = self.touch_comment(id)?;
        self.comments[index].deleted_at = Some(at);
        Ok(self.comment_info(index))
    }

    /// Bumps `v` and `updatedAt` of ticket `index`, keeping the index in step.
    pub(super) fn touch(&mut self, index: u32) -> Millis {
        let at = self.tick();
        let ticket = &mut self.tickets[index as usize];
        self.by_update.remove(&(ticket.updated_at, ticket.number));
        ticket.updated_at = at;
        ticket.v += 1;
        self.by_update.insert((at, ticket.number), index);
        at
    }

    /// Creates new tickets, numbered after the current highest number.
    pub fn add_tickets(&mut self, request: &NewTickets) -> Result<Vec<TicketInfo>, EditError> {
        let kind = request.status.as_deref().unwrap_or("new_or_reopened");
        let status = catalog::status_by_type(kind).ok_or_else(|| EditError::UnknownStatus(kind.to_owned()))?;
        let candidates = self.candidate_properties(request);
        if candidates.is_empty() {
            return Err(EditError::NoProperty);
        }
        let mut created = Vec::with_capacity(request.count);
        for _ in 0..request.count.max(1) {
            let at = self.tick();
            created.push(self.create_ticket(&candidates, status, at));
        }
        Ok(created.into_iter().map(|i| self.ticket_info(i)).collect())
    }

    fn candidate_properties(&self, request: &NewTickets) -> Vec<u32> {
        let organization = request.organization.map(|id| self.organizations.iter().position(|o| o.id == id));
        (0..self.properties.len() as u32)
            .filter(|&i| {
                let p = &self.properties[i as usize];
                request.property.is_none_or(|id| p.id == id)
                    && organization.is_none_or(|org| org == Some(p.organization as usize))
            })
            .collect()
    }

    fn create_ticket(&mut self, candidates: &[u32], status: u8, at: Millis) -> u32 {
        let property_index = *self.rng.pick(candidates);
        let number = self.tickets.last().map_or(1, |t| t.number + 1);
        let property = &self.properties[property_index as usize];
        let staff = &self.staff[property.organization as usize];
        let site = tickets::TicketSite { property, property_index, staff };
        let mut ticket = tickets::ticket(&mut self.rng, &site, &mut self.contacts, number, (at, at));
        ticket.v = 1;
        tickets::set_status(&mut self.rng, &mut ticket, status, staff);
        let index = self.tickets.len() as u32;
        self.by_update.insert((at, number), index);
        self.by_id.insert(ticket.id, index);
        self.tickets.push(ticket);
        index
    }
}
