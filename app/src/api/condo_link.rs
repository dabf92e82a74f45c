//! Condo property links, managed from the admin panel: which of our
//! properties is which Condo property. Nothing is ever matched by name or
//! address; only these links bring a property's units and tickets in.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppError;

/// One link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyLink {
    pub property_id: Uuid,
    pub property_name: String,
    pub landlord_name: String,
    pub condo_property_id: String,
    pub linked_at: DateTime<Utc>,
}

/// The links, and the properties that could still be linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CondoLinks {
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

#[cfg(feature = "ssr")]
fn parse_property_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw.trim()).map_err(|_| AppError::Validation("Choose one of our properties.".into()))
}

/// Every link and the properties left to link.
#[server(endpoint = "admin/condo-links")]
pub async fn list_condo_links() -> Result<CondoLinks, AppError> {
    use crate::server::store::{condo_import, condo_property_link};
    crate::server::auth::require_user()?.require_admin()?;
    let pool = crate::server::state::pool()?;
    let links = condo_import::list_condo_property_link_details(&pool).await?.into_iter().map(|r| PropertyLink {
        property_id: r.property_id,
        property_name: r.property_name,
        landlord_name: r.landlord_name,
        condo_property_id: r.condo_property_id,
        linked_at: r.linked_at,
    });
    let unlinked = condo_property_link::list_unlinked_properties(&pool).await?;
    Ok(CondoLinks { links: links.collect(), unlinked })
}

/// Links one of our properties to a Condo property; the next Condo run
/// re-reads every ticket so this property's come in.
#[server(endpoint = "admin/condo-links/add")]
pub async fn link_condo_property(property_id: String, condo_property_id: String) -> Result<(), AppError> {
    use crate::server::store::external_ref::LinkOutcome;
    let admin = crate::server::auth::require_user()?;
    admin.require_admin()?;
    let (property_id, condo_id) = (parse_property_id(&property_id)?, parse_condo_property_id(&condo_property_id)?);
    let pool = crate::server::state::pool()?;
    if !crate::server::store::condo_property_link::property_exists(&pool, property_id).await? {
        return Err(AppError::Validation("Choose one of our properties.".into()));
    }
    match crate::server::store::condo_import::link_condo_property(&pool, property_id, &condo_id).await? {
        LinkOutcome::Created | LinkOutcome::AlreadyLinked => {
            tracing::info!(%property_id, condo_property_id = %condo_id, by = %admin.user_id, "Condo property linked");
            Ok(())
        }
        LinkOutcome::Conflict => Err(AppError::Conflict(
            "That property or that Condo property is already linked; remove the old link first.".into(),
        )),
    }
}

/// Removes a Condo property's link; its tickets stay, later changes are no longer imported.
#[server(endpoint = "admin/condo-links/remove")]
pub async fn unlink_condo_property(condo_property_id: String) -> Result<(), AppError> {
    let admin = crate::server::auth::require_user()?;
    admin.require_admin()?;
    let condo_id = parse_condo_property_id(&condo_property_id)?;
    let pool = crate::server::state::pool()?;
    if !crate::server::store::condo_import::unlink_condo_property(&pool, &condo_id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(condo_property_id = %condo_id, by = %admin.user_id, "Condo property link removed");
    Ok(())
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
