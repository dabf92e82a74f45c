//! Condo property links, managed from the admin panel: which of our
//! properties is which Condo property. Nothing is ever matched by name or
//! address; only these links bring a property's units and tickets in.

use super::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyLink {
    /// Our id of the linked property.
    pub property_id: Uuid,
    /// Our name of the property.
    pub property_name: String,
    /// Display name of the property's landlord.
    pub landlord_name: String,
    /// Condo's id of the property (a hyphenated, lower-case UUID).
    pub condo_property_id: String,
    /// When the link was made.
    pub linked_at: DateTime<Utc>,
}

/// The links, and the properties that could still be linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CondoLinks {
    /// The existing links, by property name.
    pub links: Vec<PropertyLink>,
    /// (id, "name (city)") of our properties without a link.
    pub unlinked: Vec<(Uuid, String)>,
}

/// Checks a Condo property id as typed: Condo's ids are UUIDs.
pub fn parse_condo_property_id(raw: &str) -> Result<String, AppError> {
    let id = raw.trim();
    Uuid::parse_str(id)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| AppError::Validation("The Condo property id is a UUID, as shown in Condo's address bar.".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condo_property_id_must_be_a_uuid() {
        let id = parse_condo_property_id(" 0B1C2D3E-4F50-4a6b-8c7d-9e0f1a2b3c4d ").unwrap();
        assert_eq!(id, "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
        assert!(matches!(parse_condo_property_id("Main street 4"), Err(AppError::Validation(_))));
        assert!(parse_condo_property_id("").is_err());
    }
}
