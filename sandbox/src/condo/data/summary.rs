//! Aggregates a test can compare with what an import stored: tickets by status, units per property.

use super::Store;
use super::catalog::STATUSES;
use super::model::Ticket;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Ticket counts; `by_status_type` counts only tickets that are not soft-deleted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TicketCounts {
    /// All tickets, deleted ones included.
    pub total: usize,
    /// Tickets that are not soft-deleted.
    pub visible: usize,
    /// Soft-deleted tickets.
    pub deleted: usize,
    /// Visible tickets per status `type`.
    pub by_status_type: BTreeMap<String, usize>,
}

impl TicketCounts {
    fn add(&mut self, ticket: &Ticket) {
        self.total += 1;
        if ticket.deleted_at.is_some() {
            self.deleted += 1;
            return;
        }
        self.visible += 1;
        *self.by_status_type.entry(STATUSES[ticket.status as usize].kind.to_owned()).or_default() += 1;
    }
}

/// One property and the size of its map.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PropertySummary {
    /// Property id.
    pub id: Uuid,
    /// Owning organization id.
    pub organization_id: Uuid,
    /// Property name.
    pub name: String,
    /// Property address.
    pub address: String,
    /// Condo's `unitsCount` (flats in sections).
    pub units_count: i64,
    /// Condo's `uninhabitedUnitsCount`.
    pub uninhabited_units_count: i64,
    /// Every unit of the map (sections and parking).
    pub units: usize,
    /// Visible tickets on this property.
    pub tickets: usize,
}

/// One organization and its tickets.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationSummary {
    /// Organization id.
    pub id: Uuid,
    /// Organization name.
    pub name: String,
    /// Number of its properties.
    pub properties: usize,
    /// Its tickets.
    pub tickets: TicketCounts,
}

/// The whole data set in numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// All tickets.
    pub tickets: TicketCounts,
    /// Per organization.
    pub organizations: Vec<OrganizationSummary>,
    /// Per property.
    pub properties: Vec<PropertySummary>,
}

impl Store {
    /// Counts tickets by status and units per property.
    pub fn summary(&self) -> Summary {
        let mut tickets = TicketCounts::default();
        let mut per_org = vec![TicketCounts::default(); self.organizations.len()];
        let mut per_property = vec![0usize; self.properties.len()];
        for ticket in &self.tickets {
            tickets.add(ticket);
            per_org[ticket.organization as usize].add(ticket);
            per_property[ticket.property as usize] += usize::from(ticket.deleted_at.is_none());
        }
        let properties = self
            .properties
            .iter()
            .zip(per_property)
            .map(|(p, tickets)| PropertySummary {
                id: p.id,
                organization_id: self.organizations[p.organization as usize].id,
                name: p.name.clone(),
                address: p.address.clone(),
                units_count: p.units_count,
                uninhabited_units_count: p.uninhabited_units_count,
                units: p.units.len(),
                tickets,
            })
            .collect();
        let organizations = self
            .organizations
            .iter()
            .enumerate()
            .zip(per_org)
            .map(|((i, o), tickets)| OrganizationSummary {
                id: o.id,
                name: o.name.clone(),
                properties: self.properties.iter().filter(|p| p.organization as usize == i).count(),
                tickets,
            })
            .collect();
        Summary { tickets, organizations, properties }
    }
}
