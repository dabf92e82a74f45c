//! Condo property links, managed by admins: which of our properties is which
//! Condo property. Nothing is ever matched by name or address; only these
//! links bring a property's units and tickets in.

use sqlx::PgPool;
use uuid::Uuid;

use crate::model::AppError;
use crate::model::condo_link::{CondoLinks, PropertyLink, parse_condo_property_id};
use crate::server::store::external_ref::LinkOutcome;
use crate::server::store::{condo_import, condo_property_link, property};

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

/// What a link request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    /// Our property, as resolved.
    pub property_id: Uuid,
    /// Whether the link is new (`false`: it was there already).
    pub created: bool,
}

/// Links one of ours (`property`: its id, or its exact name when no other
/// property shares it) to a Condo property; the next Condo run re-reads every
/// ticket so this property's come in. `by` is the admin (`None`: the command line).
pub async fn link(
    pool: &PgPool,
    property: &str,
    condo_property_id: &str,
    by: Option<Uuid>,
) -> Result<Linked, AppError> {
    let condo_id = parse_condo_property_id(condo_property_id)?;
    let property_id = resolve_property(pool, property).await?;
    match condo_import::link_condo_property(pool, property_id, &condo_id).await? {
        outcome @ (LinkOutcome::Created | LinkOutcome::AlreadyLinked) => {
            let created = outcome == LinkOutcome::Created;
            tracing::info!(%property_id, condo_property_id = %condo_id, by = ?by, created, "Condo property linked");
            Ok(Linked { property_id, created })
        }
        LinkOutcome::Conflict => Err(AppError::Conflict(
            "That property or that Condo property is already linked; remove the old link first.".into(),
        )),
    }
}

/// Removes a Condo property's link; its tickets stay, later changes are no
/// longer imported. `by` is the admin (`None`: the command line).
pub async fn unlink(pool: &PgPool, condo_property_id: &str, by: Option<Uuid>) -> Result<(), AppError> {
    let condo_id = parse_condo_property_id(condo_property_id)?;
    if !condo_import::unlink_condo_property(pool, &condo_id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(condo_property_id = %condo_id, by = ?by, "Condo property link removed");
    Ok(())
}

/// Our property from its id, or from its exact name when only one has it.
async fn resolve_property(pool: &PgPool, raw: &str) -> Result<Uuid, AppError> {
    let raw = raw.trim();
    if let Ok(id) = Uuid::parse_str(raw) {
        if !condo_property_link::property_exists(pool, id).await? {
            return Err(AppError::Validation("Choose one of our properties.".into()));
        }
        return Ok(id);
    }
    match property::find_properties_by_name(pool, raw).await?.as_slice() {
        [one] => Ok(one.id),
        [] => Err(AppError::Validation(format!("No property is named \"{raw}\"; choose one of ours."))),
        many => Err(AppError::Validation(format!("{} properties are named \"{raw}\"; give the id.", many.len()))),
    }
}
