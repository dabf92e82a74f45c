//! Condo property links, managed by admins: which of our properties is which
//! Condo property. Nothing is ever matched by name or address; only these
//! links bring a property's units and tickets in.

use sqlx::PgPool;
use uuid::Uuid;

use crate::model::AppError;
use crate::model::condo_link::{CondoLinks, PropertyLink, parse_condo_property_id};
use crate::server::store::external_ref::LinkOutcome;
use crate::server::store::{condo_import, condo_property_link};

/// Every link and the properties left to link.
pub async fn list_links(pool: &PgPool) -> Result<CondoLinks, AppError> {
    let links = condo_import::list_condo_property_link_details(pool).await?.into_iter().map(|r| PropertyLink {
        property_id: r.property_id,
        property_name: r.property_name,
        landlord_name: r.landlord_name,
        condo_property_id: r.condo_property_id,
        linked_at: r.linked_at,
    });
    let unlinked = condo_property_link::list_unlinked_properties(pool).await?;
    Ok(CondoLinks { links: links.collect(), unlinked })
}

/// Links one of our properties (its id as typed) to a Condo property; the
/// next Condo run re-reads every ticket so this property's come in.
pub async fn link(pool: &PgPool, property_id: &str, condo_property_id: &str, by: Uuid) -> Result<(), AppError> {
    let property_id = parse_property_id(property_id)?;
    let condo_id = parse_condo_property_id(condo_property_id)?;
    if !condo_property_link::property_exists(pool, property_id).await? {
        return Err(AppError::Validation("Choose one of our properties.".into()));
    }
    match condo_import::link_condo_property(pool, property_id, &condo_id).await? {
        LinkOutcome::Created | LinkOutcome::AlreadyLinked => {
            tracing::info!(%property_id, condo_property_id = %condo_id, %by, "Condo property linked");
            Ok(())
        }
        LinkOutcome::Conflict => Err(AppError::Conflict(
            "That property or that Condo property is already linked; remove the old link first.".into(),
        )),
    }
}

/// Removes a Condo property's link; its tickets stay, later changes are no longer imported.
pub async fn unlink(pool: &PgPool, condo_property_id: &str, by: Uuid) -> Result<(), AppError> {
    let condo_id = parse_condo_property_id(condo_property_id)?;
    if !condo_import::unlink_condo_property(pool, &condo_id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(condo_property_id = %condo_id, %by, "Condo property link removed");
    Ok(())
}

fn parse_property_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw.trim()).map_err(|_| AppError::Validation("Choose one of our properties.".into()))
}
