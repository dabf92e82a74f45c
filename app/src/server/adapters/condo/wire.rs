//! Wire types: the parts of Condo's GraphQL answers the import reads, as sent.
//!
//! Field names follow `contracts/condo/schema.graphql` (`type Ticket`, `type Property`,
//! `type BuildingMap`, and in `detail` `type TicketComment`, `TicketChange`, `TicketFile`);
//! date-times are ISO-8601 UTC strings.

#![expect(
    missing_docs,
    reason = "wire types carry the upstream contract's fields under its names (see shared/contracts/)"
)]

use serde::Deserialize;

mod detail;

pub use detail::{
    CommentsChangedData, ReferenceDataData, TicketDetailData, WireChange, WireClassifier, WireComment,
    WireCommentChange, WireFile, WireFileObject, WireName, WireStatusRef, WireTicketStamp,
};

/// A GraphQL response envelope: `data` and/or `errors`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub data: Option<T>,
    #[serde(default)]
    pub errors: Vec<GraphqlError>,
}

/// One entry of `errors[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct GraphqlError {
    pub message: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub extensions: Option<ErrorExtensions>,
}

/// `errors[].extensions`.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorExtensions {
    #[serde(default)]
    pub code: Option<String>,
}

impl GraphqlError {
    /// `extensions.code`, or `""`.
    pub fn code(&self) -> &str {
        self.extensions.as_ref().and_then(|e| e.code.as_deref()).unwrap_or("")
    }
}

/// `data` of the sign-in mutations.
#[derive(Debug, Deserialize)]
pub struct SignInData {
    pub auth: Option<SignInResult>,
}

/// `authenticateUserWith…Password` result.
#[derive(Debug, Deserialize)]
pub struct SignInResult {
    pub token: Option<String>,
}

/// `data` of `AllProperties`.
#[derive(Debug, Deserialize)]
pub struct PropertiesData {
    pub properties: Vec<WireProperty>,
}

/// A Condo `Property` with its building map.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireProperty {
    pub id: String,
    pub name: Option<String>,
    pub address: Option<String>,
    pub organization: Option<IdOnly>,
    pub map: Option<BuildingMap>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
}

/// `{ id }` of a relation.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct IdOnly {
    pub id: String,
}

/// `BuildingMap`: sections of flats and parking sections, each with floors of units.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct BuildingMap {
    #[serde(default)]
    pub sections: Option<Vec<BuildingSection>>,
    #[serde(default)]
    pub parking: Option<Vec<BuildingSection>>,
}

/// `BuildingSection`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BuildingSection {
    pub name: Option<String>,
    #[serde(default)]
    pub floors: Vec<BuildingFloor>,
}

/// `BuildingFloor`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BuildingFloor {
    pub name: Option<String>,
    #[serde(default)]
    pub units: Vec<BuildingUnit>,
}

/// `BuildingUnit`: `label` is what tickets name in `unitName`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BuildingUnit {
    pub label: Option<String>,
    pub unit_type: Option<String>,
}

/// `data` of `TicketsChangedSince`.
#[derive(Debug, Deserialize)]
pub struct TicketsData {
    pub tickets: Vec<WireTicket>,
}

/// A Condo `Ticket`, with the fields the import stores.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireTicket {
    pub id: String,
    pub v: Option<i64>,
    pub number: i64,
    pub title: Option<String>,
    pub details: Option<String>,
    pub status: Option<WireStatus>,
    pub status_reason: Option<String>,
    pub priority: Option<i64>,
    pub is_emergency: Option<bool>,
    pub deadline: Option<String>,
    pub property: Option<IdOnly>,
    pub section_name: Option<String>,
    pub floor_name: Option<String>,
    pub unit_name: Option<String>,
    pub unit_type: Option<String>,
    pub assignee: Option<WireName>,
    pub executor: Option<WireName>,
    pub classifier: Option<WireClassifier>,
    pub created_at: Option<String>,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// `TicketStatus { type }`: `type` is stable, `name` is localized and never used.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct WireStatus {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_example_ticket_page_decodes() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/contracts/condo/examples/tickets_changed_since.response.json"
        ));
        let page: Envelope<TicketsData> = serde_json::from_str(text).unwrap();
        let ticket = &page.data.unwrap().tickets[0];
        assert_eq!((ticket.number, ticket.v), (18342, Some(3)));
        assert_eq!(ticket.status.as_ref().unwrap().kind.as_deref(), Some("processing"));
        assert_eq!(ticket.unit_name.as_deref(), Some("27"));
    }

    #[test]
    fn the_contract_example_property_map_decodes() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/contracts/condo/examples/properties_changed_since.response.json"
        ));
        let page: Envelope<PropertiesData> = serde_json::from_str(text).unwrap();
        let map = page.data.unwrap().properties[0].map.clone().unwrap();
        assert_eq!(map.sections.unwrap()[0].floors[0].units[1].label.as_deref(), Some("28"));
        assert_eq!(map.parking.unwrap()[0].floors[0].units[0].label.as_deref(), Some("P-1"));
    }
}
