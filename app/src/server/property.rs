//! A landlord's properties (admins: every one) and their maintenance tickets,
//! for the JSON API. Another landlord's property answers "not found", exactly
//! like one that does not exist.

use sqlx::PgPool;
use uuid::Uuid;

use crate::model::AppError;
use crate::model::property::{PropertyItem, PropertyRecord, PropertyTicket, UnitItem};
use crate::server::auth::AuthUser;
use crate::server::store::{maintenance_ticket, property, unit};

/// The caller's properties.
pub async fn list_properties(pool: &PgPool, user: &AuthUser) -> Result<Vec<PropertyItem>, AppError> {
    let rows = property::list_properties_scoped(pool, user.landlord_scope()?).await?;
    Ok(rows.into_iter().map(|p| PropertyItem { id: p.id, name: p.name, city: p.city }).collect())
}

/// One of the caller's properties.
pub async fn find_property(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<PropertyRecord, AppError> {
    let row = property::find_property_scoped(pool, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    Ok(PropertyRecord {
        id: row.id,
        name: row.name,
        address_line: row.address_line,
        city: row.city,
        landlord_id: row.landlord_id,
    })
}

/// The live maintenance tickets of one of the caller's properties, most recently changed first.
pub async fn list_property_tickets(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<Vec<PropertyTicket>, AppError> {
    let owned = property::find_property_scoped(pool, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    let rows = maintenance_ticket::list_tickets_of_property(pool, owned.id).await?;
    Ok(rows
        .into_iter()
        .map(|t| PropertyTicket {
            id: t.id,
            number: t.number,
            title: t.title,
            status: t.status,
            priority: t.priority,
            is_emergency: t.is_emergency,
            updated_at: t.source_updated_at,
        })
        .collect())
}

/// The units of one of the caller's properties, by label.
pub async fn list_units(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<Vec<UnitItem>, AppError> {
    let owned = property::find_property_scoped(pool, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    let rows = unit::list_units_of_property(pool, owned.id).await?;
    Ok(rows
        .into_iter()
        .map(|u| UnitItem { id: u.id, label: u.label, section: u.section, floor: u.floor, bedrooms: u.bedrooms })
        .collect())
}
