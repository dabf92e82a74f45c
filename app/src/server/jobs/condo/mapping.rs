//! From Condo's wire types to our rows: statuses by `status.type` (never the localized
//! name), priorities, titles, times, and units from a property's building map.

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use uuid::Uuid;

use crate::domain::{TicketPriority, TicketStatus, condo_marker};
use crate::server::adapters::condo::wire::{BuildingSection, WireClassifier, WireName, WireProperty, WireTicket};
use crate::server::store::condo_detail::CondoCategory;
use crate::server::store::condo_import::{CondoTicket, CondoUnit};

/// Our status for a Condo `TicketStatus.type` (our names are Condo's).
pub fn map_status(kind: &str) -> Option<TicketStatus> {
    TicketStatus::parse(kind)
}

/// Our priority for Condo's `priority` (100 is Condo's default, 500 the highest):
/// below 100 `low`, 100–199 `normal`, 200–399 `high`, 400 and above `urgent`.
pub fn map_priority(priority: Option<i64>) -> TicketPriority {
    match priority.unwrap_or(100) {
        ..=99 => TicketPriority::Low,
        100..=199 => TicketPriority::Normal,
        200..=399 => TicketPriority::High,
        _ => TicketPriority::Urgent,
    }
}

/// Our id of a Condo ticket: stable, so a re-import never creates a second row.
pub fn ticket_id(condo_id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("condo:ticket:{condo_id}").as_bytes())
}

/// Why a ticket could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// Condo's status type (as given) is none we know.
    #[error("unknown status type {0:?}")]
    UnknownStatus(String),
    /// A time (as given) is not RFC 3339.
    #[error("unreadable time {0:?}")]
    BadTime(String),
}

/// Reads an ISO-8601 time as Condo sends it.
pub fn parse_time(raw: &str) -> Result<DateTime<Utc>, MappingError> {
    DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&Utc)).map_err(|_| MappingError::BadTime(raw.to_owned()))
}

fn parse_optional(raw: Option<&String>) -> Result<Option<DateTime<Utc>>, MappingError> {
    raw.map(|r| parse_time(r)).transpose()
}

/// The title we show: Condo's title, else the first line of the details (`details`, without
/// our marker), else the number.
fn title_of(ticket: &WireTicket, details: &str) -> String {
    let from_details = || details.lines().map(str::trim).find(|l| !l.is_empty());
    match ticket.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).or_else(from_details) {
        Some(text) => text.chars().take(200).collect(),
        None => format!("Ticket {}", ticket.number),
    }
}

/// Maps one ticket of a linked property (`property_id` is ours).
pub fn map_ticket(ticket: &WireTicket, property_id: Uuid) -> Result<CondoTicket, MappingError> {
    let kind = ticket.status.as_ref().and_then(|s| s.kind.clone()).unwrap_or_default();
    let status = map_status(&kind).ok_or(MappingError::UnknownStatus(kind))?;
    let updated = parse_time(&ticket.updated_at)?;
    let details = condo_marker::strip(ticket.details.as_deref().unwrap_or_default());
    Ok(CondoTicket {
        id: ticket_id(&ticket.id),
        external_id: ticket.id.clone(),
        property_id,
        unit_label: ticket.unit_name.clone().filter(|l| !l.is_empty()),
        number: i32::try_from(ticket.number).ok(),
        title: title_of(ticket, &details),
        details,
        status,
        priority: map_priority(ticket.priority),
        is_emergency: ticket.is_emergency.unwrap_or(false),
        deadline_at: parse_optional(ticket.deadline.as_ref())?,
        opened_at: parse_optional(ticket.created_at.as_ref())?.unwrap_or(updated),
        source_updated_at: updated,
        source_version: ticket.v.and_then(|v| i32::try_from(v).ok()).unwrap_or(1),
        deleted_at: parse_optional(ticket.deleted_at.as_ref())?,
        status_reason: non_empty(ticket.status_reason.as_deref()),
        assignee_name: name_of(ticket.assignee.as_ref()),
        executor_name: name_of(ticket.executor.as_ref()),
        category_id: ticket.classifier.as_ref().map(|c| c.id.clone()),
    })
}

/// The trimmed text, unless empty.
pub fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// The name of a related user or classifier part, unless empty.
pub fn name_of(named: Option<&WireName>) -> Option<String> {
    non_empty(named.and_then(|n| n.name.as_deref()))
}

/// A classifier rule as a category (names as Condo gives them for our `Accept-Language`).
pub fn map_category(classifier: &WireClassifier) -> CondoCategory {
    CondoCategory {
        id: classifier.id.clone(),
        place: name_of(classifier.place.as_ref()),
        category: name_of(classifier.category.as_ref()),
        problem: name_of(classifier.problem.as_ref()),
    }
}

/// Each classifier once (the last one read wins), as categories.
pub fn categories_of<'a>(classifiers: impl IntoIterator<Item = &'a WireClassifier>) -> Vec<CondoCategory> {
    let mut by_id = std::collections::BTreeMap::new();
    for classifier in classifiers {
        by_id.insert(classifier.id.clone(), map_category(classifier));
    }
    by_id.into_values().collect()
}

/// The units of a property's map (sections first, then parking), one per label; returns
/// them and the number of repeated labels left out.
pub fn map_units(property: &WireProperty, property_id: Uuid) -> (Vec<CondoUnit>, usize) {
    let Some(map) = &property.map else { return (Vec::new(), 0) };
    let sections: Vec<&BuildingSection> = map.sections.iter().chain(map.parking.iter()).flatten().collect();
    let mut seen = HashSet::new();
    let (mut units, mut repeated) = (Vec::new(), 0);
    for section in sections {
        for floor in &section.floors {
            for unit in &floor.units {
                let Some(label) = unit.label.clone().filter(|l| !l.is_empty()) else { continue };
                if !seen.insert(label.clone()) {
                    repeated += 1;
                    continue;
                }
                let id = Uuid::new_v5(&property_id, label.as_bytes());
                units.push(CondoUnit {
                    id,
                    property_id,
                    label,
                    section: section.name.clone(),
                    floor: floor.name.clone(),
                });
            }
        }
    }
    (units, repeated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::adapters::condo::wire::{Envelope, PropertiesData, TicketsData};

    fn example_ticket() -> WireTicket {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/contracts/condo/examples/tickets_changed_since.response.json"
        ));
        serde_json::from_str::<Envelope<TicketsData>>(text).unwrap().data.unwrap().tickets.remove(0)
    }

    #[test]
    fn statuses_map_by_type_and_unknown_types_are_refused() {
        for kind in ["new_or_reopened", "processing", "completed", "closed", "canceled", "deferred"] {
            assert_eq!(map_status(kind).map(TicketStatus::as_str), Some(kind));
        }
        assert_eq!(map_status("In progress"), None);
        let mut ticket = example_ticket();
        ticket.status.as_mut().unwrap().kind = Some("declined".into());
        assert_eq!(map_ticket(&ticket, Uuid::nil()), Err(MappingError::UnknownStatus("declined".into())));
    }

    #[test]
    fn our_marker_never_reaches_the_title_or_details_and_people_and_classifier_are_kept() {
        let mut ticket = example_ticket();
        let ours = Uuid::from_u128(42);
        ticket.details = Some(condo_marker::marked("The kitchen tap leaks.", ours));
        let mapped = map_ticket(&ticket, Uuid::nil()).unwrap();
        assert_eq!(
            (mapped.title.as_str(), mapped.details.as_str()),
            ("The kitchen tap leaks.", "The kitchen tap leaks.")
        );
        ticket.details = Some(condo_marker::marker(ours));
        assert_eq!(map_ticket(&ticket, Uuid::nil()).unwrap().title, "Ticket 18342", "only a marker: no title from it");
        let example = map_ticket(&example_ticket(), Uuid::nil()).unwrap();
        assert_eq!(
            (example.assignee_name.as_deref(), example.executor_name.as_deref(), example.category_id.as_deref()),
            (Some("Dispatcher One"), Some("Plumber Two"), Some("5a0f3c2e-8d71-4b9a-b6e4-0c2d9f8e7a61"))
        );
        let category = map_category(example_ticket().classifier.as_ref().unwrap());
        assert_eq!((category.place.as_deref(), category.problem.as_deref()), (Some("Flat"), None));
    }

    #[test]
    fn priorities_follow_condos_scale() {
        let mapped: Vec<TicketPriority> =
            [Some(50), None, Some(100), Some(200), Some(300), Some(400), Some(500)].map(map_priority).into();
        let names: Vec<_> = mapped.into_iter().map(TicketPriority::as_str).collect();
        assert_eq!(names, ["low", "normal", "normal", "high", "high", "urgent", "urgent"]);
    }

    #[test]
    fn a_ticket_without_title_takes_the_first_line_of_its_details() {
        let ticket = map_ticket(&example_ticket(), Uuid::nil()).unwrap();
        assert_eq!(ticket.title, "Water is leaking from the ceiling in the bathroom");
        assert_eq!(
            (ticket.status, ticket.unit_label.as_deref(), ticket.source_version),
            (TicketStatus::Processing, Some("27"), 3)
        );
        assert_eq!(ticket.id, ticket_id("c0a4a3d2-5b1e-4e8f-9f3a-7d2b6e1c4a10"));
    }

    #[test]
    fn units_come_from_sections_and_parking_with_their_section_and_floor() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/contracts/condo/examples/properties_changed_since.response.json"
        ));
        let property =
            serde_json::from_str::<Envelope<PropertiesData>>(text).unwrap().data.unwrap().properties.remove(0);
        let (units, repeated) = map_units(&property, Uuid::from_u128(10));
        let labels: Vec<_> =
            units.iter().map(|u| (u.label.as_str(), u.section.as_deref(), u.floor.as_deref())).collect();
        assert_eq!(
            labels,
            [("27", Some("1"), Some("7")), ("28", Some("1"), Some("7")), ("P-1", Some("P"), Some("-1"))]
        );
        assert_eq!(repeated, 0);
    }
}
