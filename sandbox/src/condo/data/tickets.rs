//! Seeded generation of tickets: status mix, placements on real map units, people and history.
//!
//! Update times lean towards the anchor (recent changes are common), some tickets share an
//! update instant, and one bulk change gives more than a page of tickets the same `updatedAt`,
//! so keyset paging on (`updatedAt`, `number`) is exercised.

use super::catalog::{self, status};
use super::generate::{FIRST_NAMES, LAST_NAMES, Staff};
use super::model::{Contact, Placement, Property, Ticket};
use super::time::{DAY, HOUR, MINUTE, Millis};
use crate::condo::rng::SeededRng;

/// Relative frequencies of the statuses, in catalog order.
const STATUS_WEIGHTS: [u32; 6] = [20, 25, 5, 20, 25, 5];

/// What a new ticket needs to know about its surroundings.
pub struct TicketSite<'a> {
    /// The property the ticket is about.
    pub property: &'a Property,
    /// Index of that property.
    pub property_index: u32,
    /// Employees of the property's organization.
    pub staff: &'a Staff,
}

/// Draws creation times for `count` tickets in the 90 days before `anchor`, oldest first.
pub fn creation_times(rng: &mut SeededRng, count: usize, anchor: Millis) -> Vec<Millis> {
    let mut times: Vec<Millis> = (0..count).map(|_| anchor - rng.range(HOUR, 90 * DAY)).collect();
    times.sort_unstable();
    times
}

/// Builds one ticket created at `created_at` and last changed at `updated_at`.
pub fn ticket(
    rng: &mut SeededRng,
    site: &TicketSite<'_>,
    contacts: &mut Vec<Contact>,
    number: i64,
    (created_at, updated_at): (Millis, Millis),
) -> Ticket {
    let classifier = rng.below(catalog::CLASSIFIERS.len()) as u8;
    let placement = placement(rng, site.property);
    let contact = resident(rng, site, &placement, contacts, created_at);
    let reporter = contact.map(|c| &contacts[c as usize]);
    let mut ticket = Ticket {
        id: rng.uuid(),
        v: if updated_at == created_at { 1 } else { rng.range(2, 8) },
        number,
        organization: site.property.organization,
        property: site.property_index,
        title: rng.chance(0.5).then(|| title(classifier)),
        details: rng.pick(catalog::DETAILS[classifier as usize]).to_string(),
        priority: [100, 100, 100, 100, 200, 300, 500][rng.below(7)],
        is_emergency: rng.chance(0.08),
        is_warranty: rng.chance(0.05),
        is_payable: rng.chance(0.1),
        deadline: rng.chance(0.7).then(|| (created_at / HOUR + rng.range(24, 24 * 7)) * HOUR),
        placement,
        property_address: site.property.address.clone(),
        classifier: Some(classifier),
        source: rng.weighted(&catalog::SOURCE_WEIGHTS) as u8,
        client_name: reporter.map(|c| c.name.clone()),
        client_phone: reporter.map(|c| c.phone.clone()),
        client_email: reporter.and_then(|c| c.email.clone()),
        contact,
        assignee: rng.chance(0.8).then(|| *rng.pick(&site.staff.dispatchers)),
        created_at,
        updated_at,
        ..Ticket::default()
    };
    let from_resident = catalog::SOURCES[ticket.source as usize].kind == "mobile_app_resident";
    ticket.is_resident_ticket = from_resident;
    ticket.can_read_by_resident = from_resident;
    let kind = rng.weighted(&STATUS_WEIGHTS) as u8;
    set_status(rng, &mut ticket, kind, site.staff);
    ticket
}

/// A short title such as "Plumbing: Leak", from the classifier.
fn title(classifier: u8) -> String {
    let rule = &catalog::CLASSIFIERS[classifier as usize];
    let category = catalog::CATEGORIES[rule.category as usize].names[0];
    match rule.problem {
        Some(problem) => format!("{category}: {}", catalog::PROBLEMS[problem as usize].names[0]),
        None => category.to_owned(),
    }
}

/// Moves `ticket` to status `kind` as of its `updated_at`, filling the dependent fields.
pub fn set_status(rng: &mut SeededRng, ticket: &mut Ticket, kind: u8, staff: &Staff) {
    let changed = ticket.updated_at - rng.range(0, 5 * MINUTE);
    ticket.status = kind;
    ticket.status_updated_at = if ticket.v == 1 { ticket.created_at } else { changed.max(ticket.created_at) };
    ticket.completed_at = None;
    ticket.deferred_until = None;
    ticket.status_reason = None;
    match kind {
        status::OPEN => ticket.status_reopened_counter = i64::from(ticket.v > 2 && rng.chance(0.2)),
        status::DEFERRED => {
            ticket.deferred_until = Some(ticket.updated_at + rng.range(3 * DAY, 30 * DAY));
            ticket.status_reason = Some("Waiting for spare parts".to_owned());
        }
        status::COMPLETED | status::CLOSED => ticket.completed_at = Some(ticket.status_updated_at),
        status::CANCELED => ticket.status_reason = Some("Duplicate request".to_owned()),
        _ => {}
    }
    if kind != status::OPEN && ticket.executor.is_none() && rng.chance(0.75) {
        ticket.executor = Some(*rng.pick(&staff.executors));
    }
}

/// Three in four tickets name a unit of the map; the rest are about common areas.
fn placement(rng: &mut SeededRng, property: &Property) -> Placement {
    if property.units.is_empty() || rng.chance(0.25) {
        let section = rng.chance(0.5).then(|| "1".to_owned());
        return Placement {
            section_type: section.as_ref().map(|_| "section"),
            section_name: section,
            ..Placement::default()
        };
    }
    let unit = rng.pick(&property.units);
    Placement {
        section_name: Some(unit.section_name.clone()),
        section_type: Some(unit.section_kind.as_str()),
        floor_name: Some(unit.floor_name.clone()),
        unit_name: Some(unit.label.clone()),
        unit_type: Some(unit.unit_type),
    }
}

/// Most unit tickets come from a resident, recorded as a `Contact`.
fn resident(
    rng: &mut SeededRng,
    site: &TicketSite<'_>,
    placement: &Placement,
    contacts: &mut Vec<Contact>,
    created_at: Millis,
) -> Option<u32> {
    let (unit_name, unit_type) = (placement.unit_name.clone()?, placement.unit_type?);
    if !rng.chance(0.7) {
        return None;
    }
    let name = format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES));
    let email = rng.chance(0.3).then(|| format!("resident{}@example.com", contacts.len() + 1));
    contacts.push(Contact {
        id: rng.uuid(),
        organization: site.property.organization,
        property: site.property_index,
        unit_name,
        unit_type,
        name,
        phone: format!("+1555010{:04}", rng.below(10_000)),
        email,
        created_at: created_at - rng.range(0, 30 * DAY),
    });
    Some(contacts.len() as u32 - 1)
}

/// Picks an update time between `created_at` and `anchor`, leaning towards the anchor.
pub fn update_time(rng: &mut SeededRng, created_at: Millis, anchor: Millis) -> Millis {
    if rng.chance(0.1) {
        return created_at;
    }
    let span = (anchor - created_at) as f64;
    created_at + (span * (1.0 - rng.unit().powi(3))) as Millis
}
