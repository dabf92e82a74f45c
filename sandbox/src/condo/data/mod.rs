//! The emulated Condo database: a seeded data set held in memory, with the indexes paging needs.
//!
//! Tickets are kept in creation (= `number`) order and indexed by (`updatedAt`, `number`), so a
//! keyset page `OR: [{updatedAt_gt: T}, {updatedAt: T, number_gt: N}]` is a range scan.

pub mod catalog;
mod edit;
pub mod fields;
pub mod generate;
mod map;
pub mod model;
mod summary;
mod tickets;
pub mod time;
mod write;

pub use edit::{CommentEdit, CommentInfo, EditError, NewTickets, TicketEdit, TicketInfo};
pub use summary::{PropertySummary, Summary, TicketCounts};
pub use write::{NewComment, NewFile, ResidentAccount, ResidentLogin};

use crate::condo::config::{Credentials, DataConfig};
use crate::condo::rng::SeededRng;
use generate::Staff;
use model::{Contact, Organization, Property, Residence, Ticket, TicketChange, TicketComment, TicketFile, User};
use std::collections::{BTreeMap, HashMap};
use time::{HOUR, Millis};
use uuid::Uuid;

/// All rows of the emulated installation.
pub struct Store {
    /// Managing companies.
    pub organizations: Vec<Organization>,
    /// Buildings with maps.
    pub properties: Vec<Property>,
    /// Integration accounts (indexes 0 and 1) and employees.
    pub users: Vec<User>,
    /// Employees per organization.
    pub staff: Vec<Staff>,
    /// Residents who reported tickets.
    pub contacts: Vec<Contact>,
    /// Tickets in `number` order.
    pub tickets: Vec<Ticket>,
    /// Resident users' units (residents are added through the control API).
    pub residences: Vec<Residence>,
    /// Ticket comments, oldest first.
    pub comments: Vec<TicketComment>,
    /// Uploaded ticket files, oldest first.
    pub files: Vec<TicketFile>,
    /// Recorded ticket status changes, oldest first.
    pub changes: Vec<TicketChange>,
    by_update: BTreeMap<(Millis, i64), u32>,
    by_id: HashMap<Uuid, u32>,
    rng: SeededRng,
    clock: Millis,
}

/// Index of the staff integration account in [`Store::users`].
pub const STAFF_ACCOUNT: u32 = 0;
/// The first generated ticket number.
const FIRST_NUMBER: i64 = 10_001;

impl Store {
    /// Generates the data set described by `config`.
    pub fn generate(config: &DataConfig, credentials: &Credentials) -> Self {
        let anchor = config.anchor.timestamp_millis();
        let mut rng = SeededRng::new(config.seed, 1);
        let organizations = generate::organizations(&mut rng, config.organizations.max(1), anchor);
        let org_count = organizations.len();
        let properties = generate::properties(&mut rng, config.properties.max(1), org_count, anchor);
        let (users, staff) = generate::users(&mut rng, credentials, org_count, anchor);
        let mut store = Self {
            organizations,
            properties,
            users,
            staff,
            contacts: Vec::new(),
            tickets: Vec::with_capacity(config.tickets),
            residences: Vec::new(),
            comments: Vec::new(),
            files: Vec::new(),
            changes: Vec::new(),
            by_update: BTreeMap::new(),
            by_id: HashMap::with_capacity(config.tickets),
            rng: SeededRng::new(config.seed, 2),
            clock: anchor,
        };
        store.generate_tickets(config, anchor);
        store
    }

    fn generate_tickets(&mut self, config: &DataConfig, anchor: Millis) {
        let mut rng = SeededRng::new(config.seed, 3);
        let mut previous_update = 0;
        for (i, created_at) in tickets::creation_times(&mut rng, config.tickets, anchor).into_iter().enumerate() {
            let mut updated_at = tickets::update_time(&mut rng, created_at, anchor);
            if previous_update >= created_at && rng.chance(0.08) {
                updated_at = previous_update;
            }
            previous_update = updated_at;
            let ticket = self.new_ticket(&mut rng, FIRST_NUMBER + i as i64, (created_at, updated_at));
            self.tickets.push(ticket);
        }
        self.bulk_close(&mut rng, anchor - 3 * HOUR);
        for ticket in &mut self.tickets {
            if rng.chance(config.deleted_ratio) {
                ticket.deleted_at = Some(ticket.updated_at);
                ticket.v += 1;
            }
        }
        self.reindex();
    }

    fn new_ticket(&mut self, rng: &mut SeededRng, number: i64, times: (Millis, Millis)) -> Ticket {
        let property_index = rng.below(self.properties.len()) as u32;
        let property = &self.properties[property_index as usize];
        let site = tickets::TicketSite { property, property_index, staff: &self.staff[property.organization as usize] };
        tickets::ticket(rng, &site, &mut self.contacts, number, times)
    }

    /// One dispatcher closes a batch of older tickets at the same instant.
    fn bulk_close(&mut self, rng: &mut SeededRng, at: Millis) {
        let eligible: Vec<usize> = (0..self.tickets.len()).filter(|&i| self.tickets[i].created_at < at).collect();
        let batch = (self.tickets.len() / 6).min(60).min(eligible.len());
        for &i in eligible.iter().step_by((eligible.len() / batch.max(1)).max(1)).take(batch) {
            let ticket = &mut self.tickets[i];
            ticket.updated_at = at;
            ticket.v += 1;
            let staff = &self.staff[ticket.organization as usize];
            tickets::set_status(rng, ticket, catalog::status::CLOSED, staff);
        }
    }

    /// Rebuilds the id and (`updatedAt`, `number`) indexes.
    fn reindex(&mut self) {
        self.by_update = self.tickets.iter().enumerate().map(|(i, t)| ((t.updated_at, t.number), i as u32)).collect();
        self.by_id = self.tickets.iter().enumerate().map(|(i, t)| (t.id, i as u32)).collect();
        self.clock = self.tickets.iter().map(|t| t.updated_at).max().unwrap_or(self.clock).max(self.clock);
    }

    /// Ticket indexes in (`updatedAt`, `number`) order, starting at `from` (inclusive).
    pub fn tickets_by_update(&self, from: (Millis, i64)) -> impl Iterator<Item = u32> + '_ {
        self.by_update.range(from..).map(|(_, &i)| i)
    }

    /// The index of the ticket with this id.
    pub fn ticket_index(&self, id: &Uuid) -> Option<u32> {
        self.by_id.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::Store;
    use crate::condo::config::{Credentials, DataConfig};

    fn small() -> Store {
        Store::generate(&DataConfig::default(), &Credentials::default())
    }

    #[test]
    fn the_same_seed_generates_the_same_tickets() {
        let (a, b) = (small(), small());
        assert_eq!(a.tickets.len(), b.tickets.len());
        assert!(a.tickets.iter().zip(&b.tickets).all(|(x, y)| x.id == y.id && x.updated_at == y.updated_at));
    }

    #[test]
    fn ticket_units_exist_in_their_property_map() {
        let store = small();
        for ticket in &store.tickets {
            let Some(label) = &ticket.placement.unit_name else { continue };
            let property = &store.properties[ticket.property as usize];
            assert!(property.units.iter().any(|u| &u.label == label), "{label} not in {}", property.name);
        }
    }

    #[test]
    fn more_than_a_page_of_tickets_share_one_update_time() {
        let store = small();
        let mut counts = std::collections::HashMap::new();
        for ticket in &store.tickets {
            *counts.entry(ticket.updated_at).or_insert(0) += 1;
        }
        assert!(counts.values().any(|&n| n > 50));
    }
}
