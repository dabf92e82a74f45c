//! [`CondoHandle`]: direct, in-process control of a running emulator (also behind `/__sandbox`).

use super::data::{
    CommentEdit, CommentInfo, EditError, NewTickets, ResidentAccount, ResidentLogin, Summary, TicketEdit, TicketInfo,
};
use super::faults::Faults;
use super::state::{Shared, lock};
use super::stats::Stats;
use super::webhook::{self, WebhookError, WebhookReport, WebhookRequest};
use std::sync::Arc;
use uuid::Uuid;

/// A cheap, cloneable handle on a running emulator's data, faults, sessions and counters.
#[derive(Clone)]
pub struct CondoHandle(pub(crate) Arc<Shared>);

impl CondoHandle {
    /// The faults in force.
    pub fn faults(&self) -> Faults {
        lock(&self.0.faults).faults().clone()
    }

    /// Replaces the faults in force (`Faults::default()` clears them).
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.0.faults).set(faults);
    }

    /// Ends every session, so the next request with an old token gets `UNAUTHENTICATED`.
    pub fn expire_tokens(&self) -> usize {
        lock(&self.0.sessions).expire_all()
    }

    /// Every ticket (deleted ones included) in `number` order.
    pub fn tickets(&self) -> Vec<TicketInfo> {
        self.0.store().ticket_infos()
    }

    /// Edits a ticket; `v` and `updatedAt` are bumped.
    pub fn edit_ticket(&self, id: Uuid, edit: &TicketEdit) -> Result<TicketInfo, EditError> {
        self.0.store_mut().edit_ticket(id, edit)
    }

    /// Soft-deletes a ticket; `deletedAt`, `updatedAt` and `v` change.
    pub fn delete_ticket(&self, id: Uuid) -> Result<TicketInfo, EditError> {
        self.0.store_mut().delete_ticket(id)
    }

    /// Changes a comment's text; its `v` and `updatedAt` are bumped, its ticket's are not.
    pub fn edit_comment(&self, id: Uuid, edit: &CommentEdit) -> Result<CommentInfo, EditError> {
        self.0.store_mut().edit_comment(id, edit)
    }

    /// Soft-deletes a comment; its `deletedAt`, `updatedAt` and `v` change, its ticket's do not.
    pub fn delete_comment(&self, id: Uuid) -> Result<CommentInfo, EditError> {
        self.0.store_mut().delete_comment(id)
    }

    /// Creates tickets with new numbers and fresh `updatedAt` values.
    pub fn add_tickets(&self, request: &NewTickets) -> Result<Vec<TicketInfo>, EditError> {
        self.0.store_mut().add_tickets(request)
    }

    /// Adds a resident of one unit and signs them in; `None` if the property or unit is unknown.
    /// The resident can also sign in with `authenticateUserWithPhoneAndPassword(userType:
    /// resident)`, the returned phone and the configured password.
    pub fn add_resident(&self, login: &ResidentLogin) -> Option<ResidentAccount> {
        let mut account = self.0.store_mut().add_resident(login)?;
        account.token = lock(&self.0.sessions).start(account.user);
        Some(account)
    }

    /// POSTs tickets to a subscriber the way a Condo `WebhookSubscription` does.
    pub async fn deliver_webhook(&self, request: &WebhookRequest) -> Result<WebhookReport, WebhookError> {
        webhook::deliver(&self.0, request).await
    }

    /// The counters since start or the last reset.
    pub fn stats(&self) -> Stats {
        lock(&self.0.stats).clone()
    }

    /// Zeroes the counters.
    pub fn reset_stats(&self) {
        *lock(&self.0.stats) = Stats::default();
    }

    /// Tickets by status type and units per property.
    pub fn summary(&self) -> Summary {
        self.0.store().summary()
    }

    /// Regenerates the data set from the seed and forgets sessions and counters.
    pub fn reset(&self) {
        self.0.reset();
    }
}
