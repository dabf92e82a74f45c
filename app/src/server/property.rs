//! A landlord's properties (admins: every one) and their maintenance tickets,
//! for the JSON API. Another landlord's property answers "not found", exactly
//! like one that does not exist.

use sqlx::PgPool;
use uuid::Uuid;

use crate::model::AppError;
use crate::model::property::{PropertyItem, PropertyRecord, PropertyTicket, UnitItem};
use crate::server::auth::AuthUser;
use crate::server::list_params::list_params;
use crate::server::store::{maintenance_ticket, property, unit};

/// The caller's properties in use (not archived).
pub async fn list_properties(pool: &PgPool, user: &AuthUser) -> Result<Vec<PropertyItem>, AppError> {
    search_properties(pool, user, None, false, None).await
}

/// The caller's properties in use (`archived`: the archived ones) whose
/// name, address, postal code or city contain the words `q` (at most 100
/// characters; all with `None`), by name: page `page` of 50, or every one
/// with `None`.
pub async fn search_properties(
    pool: &PgPool,
    user: &AuthUser,
    q: Option<&str>,
    archived: bool,
    page: Option<i64>,
) -> Result<Vec<PropertyItem>, AppError> {
    let list = list_params(page, q)?;
    let rows_of = if page.is_some() { (Some(list.limit), list.offset) } else { (None, 0) };
    let scope = user.landlord_scope()?;
    let rows = property::search_properties_scoped(pool, scope, list.search, Some(archived), rows_of).await?;
    Ok(rows
        .into_iter()
        .map(|p| PropertyItem {
            id: p.id,
            name: p.name,
            address_line: p.address_line,
            postal_code: p.postal_code,
            city: p.city,
            country: p.country,
            archived_at: p.archived_at,
        })
        .collect())
}

/// The caller's properties matching `q` (in use, or the archived ones; a
/// page of 50, or every one with `None`), each with all its units (archived
/// ones marked): two reads whatever the number of properties.
pub async fn list_properties_with_units(
    pool: &PgPool,
    user: &AuthUser,
    q: Option<&str>,
    archived: bool,
    page: Option<i64>,
) -> Result<Vec<(PropertyItem, Vec<UnitItem>)>, AppError> {
    let properties = search_properties(pool, user, q, archived, page).await?;
    let ids: Vec<Uuid> = properties.iter().map(|p| p.id).collect();
    let mut units: std::collections::HashMap<Uuid, Vec<UnitItem>> = std::collections::HashMap::new();
    for u in unit::list_units_of_properties(pool, &ids).await? {
        units.entry(u.property_id).or_default().push(unit_item(u));
    }
    Ok(properties
        .into_iter()
        .map(|p| {
            let of_it = units.remove(&p.id).unwrap_or_default();
            (p, of_it)
        })
        .collect())
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
    Ok(rows.into_iter().map(unit_item).collect())
}

fn unit_item(u: unit::UnitRow) -> UnitItem {
    UnitItem {
        id: u.id,
        label: u.label,
        section: u.section,
        floor: u.floor,
        bedrooms: u.bedrooms,
        archived_at: u.archived_at,
    }
}
