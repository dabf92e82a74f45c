//! Archiving properties and units. Nothing an invoice, a lease or a ticket
//! points at is ever deleted: an archived property or unit leaves the back
//! office's lists, takes no new unit or lease, and our public listings of
//! its units leave the portal. It cannot be archived while a lease holds a
//! unit today or later (end the lease first); bringing it back publishes
//! again the listings archiving withdrew. Each step is audited.

use chrono::Utc;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::model::AppError;
use crate::model::manage::Archived;
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::{property, unit};

/// Archives one of the caller's properties with its units.
pub async fn archive_property(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<Archived, AppError> {
    let mut tx = pool.begin().await?;
    let place = property::lock_property_scoped(&mut tx, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    if place.archived_at.is_some() {
        return Ok(Archived { id, archived_at: place.archived_at, listings: Vec::new() });
    }
    refuse_if_let(&mut tx, id, None, "property").await?;
    let archived_at = property::set_property_archived(&mut *tx, id, true).await?;
    let units = live_units(&mut tx, id).await?;
    let listings = unit::withdraw_listings_of_units(&mut *tx, &units).await?;
    let after = serde_json::json!({ "archived_at": archived_at, "listings_withdrawn": listings });
    record(&mut tx, user, ("property.archive", "property", id), after).await?;
    tx.commit().await?;
    Ok(Archived { id, archived_at, listings })
}

/// Brings back one of the caller's archived properties.
pub async fn restore_property(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<Archived, AppError> {
    let mut tx = pool.begin().await?;
    let place = property::lock_property_scoped(&mut tx, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    if place.archived_at.is_none() {
        return Ok(Archived { id, archived_at: None, listings: Vec::new() });
    }
    property::set_property_archived(&mut *tx, id, false).await?;
    let units = live_units(&mut tx, id).await?;
    let listings = unit::republish_listings_of_units(&mut *tx, &units).await?;
    let after = serde_json::json!({ "archived_at": null, "listings_published": listings });
    record(&mut tx, user, ("property.restore", "property", id), after).await?;
    tx.commit().await?;
    Ok(Archived { id, archived_at: None, listings })
}

/// Archives a unit of one of the caller's properties.
pub async fn archive_unit(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<Archived, AppError> {
    let mut tx = pool.begin().await?;
    let row = unit::lock_unit_scoped(&mut tx, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    if row.archived_at.is_some() {
        return Ok(Archived { id, archived_at: row.archived_at, listings: Vec::new() });
    }
    refuse_if_let(&mut tx, row.property_id, Some(id), "unit").await?;
    let archived_at = unit::set_unit_archived(&mut *tx, id, true).await?;
    let listings = unit::withdraw_listings_of_units(&mut *tx, &[id]).await?;
    let after = serde_json::json!({ "label": row.label, "archived_at": archived_at, "listings_withdrawn": listings });
    record(&mut tx, user, ("unit.archive", "unit", id), after).await?;
    tx.commit().await?;
    Ok(Archived { id, archived_at, listings })
}

/// Brings back an archived unit; its property must be in use.
pub async fn restore_unit(pool: &PgPool, user: &AuthUser, id: Uuid) -> Result<Archived, AppError> {
    let scope = user.landlord_scope()?;
    let mut tx = pool.begin().await?;
    let row = unit::lock_unit_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    if row.archived_at.is_none() {
        return Ok(Archived { id, archived_at: None, listings: Vec::new() });
    }
    let place = property::find_property_scoped(&mut *tx, scope, row.property_id).await?.ok_or(AppError::NotFound)?;
    if place.archived_at.is_some() {
        return Err(AppError::Conflict(format!("unit: {} is archived; bring the property back first", place.name)));
    }
    unit::set_unit_archived(&mut *tx, id, false).await?;
    let listings = unit::republish_listings_of_units(&mut *tx, &[id]).await?;
    let after = serde_json::json!({ "label": row.label, "archived_at": null, "listings_published": listings });
    record(&mut tx, user, ("unit.restore", "unit", id), after).await?;
    tx.commit().await?;
    Ok(Archived { id, archived_at: None, listings })
}

/// A 409 naming the lease that holds the property's units (or only `unit`)
/// today or later.
async fn refuse_if_let(
    conn: &mut PgConnection,
    property_id: Uuid,
    unit_id: Option<Uuid>,
    field: &str,
) -> Result<(), AppError> {
    let today = Utc::now().date_naive();
    if let Some(lease) = unit::find_let_from(&mut *conn, property_id, unit_id, today).await? {
        let until = lease.ends_on.map_or("with no end date".to_owned(), |d| format!("until {d}"));
        return Err(AppError::Conflict(format!(
            "{field}: unit {} is let to {} {until}; end the lease first",
            lease.unit_label, lease.tenant_name
        )));
    }
    Ok(())
}

/// The ids of a property's units that are not archived on their own.
async fn live_units(conn: &mut PgConnection, property_id: Uuid) -> Result<Vec<Uuid>, AppError> {
    let units = unit::list_units_of_property(&mut *conn, property_id).await?;
    Ok(units.into_iter().filter(|u| u.archived_at.is_none()).map(|u| u.id).collect())
}

async fn record(
    conn: &mut PgConnection,
    user: &AuthUser,
    (action, entity, id): (&str, &str, Uuid),
    after: serde_json::Value,
) -> Result<(), AppError> {
    let by = Actor::of(user);
    let entry = AuditEntry { after: Some(after), ..by.did(action, entity, id) };
    Ok(audit_log::record(conn, &entry).await?)
}
