//! Properties and units in the back office: admins create them for any
//! landlord, landlords for themselves; another landlord's property answers
//! "not found". Every creation and change is in the audit log.

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::Role;
use crate::model::AppError;
use crate::model::manage::{Created, NewPropertyRequest, NewUnitRequest, PropertyEditRequest};
use crate::model::property::{PropertyRecord, UnitItem};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::store::app_user;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::property::{self, NewProperty};
use crate::server::store::unit::{self, NewUnit};

/// A required text field: trimmed, 1 to `max` characters, no control characters.
pub fn text(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::Validation(format!("{field}: from 1 to {max} characters")));
    }
    Ok(value.to_owned())
}

/// An optional text field: empty means absent.
fn optional_text(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, AppError> {
    raw.map(str::trim).filter(|v| !v.is_empty()).map(|v| text(field, v, max)).transpose()
}

/// A unit's fields, checked: a label, 0 to 50 bedrooms, an optional section and floor.
struct UnitFields {
    label: String,
    bedrooms: i32,
    section: Option<String>,
    floor: Option<String>,
}

impl UnitFields {
    /// Each field checked; a 400 naming the first bad one.
    fn check(request: &NewUnitRequest) -> Result<Self, AppError> {
        let bedrooms = request.bedrooms.unwrap_or(0);
        if !(0..=50).contains(&bedrooms) {
            return Err(AppError::Validation("bedrooms: from 0 to 50".into()));
        }
        Ok(Self {
            label: text("label", &request.label, 40)?,
            bedrooms,
            section: optional_text("section", request.section.as_deref(), 40)?,
            floor: optional_text("floor", request.floor.as_deref(), 20)?,
        })
    }
}

/// Creates a property (a landlord's own; an admin's for the landlord named).
pub async fn create_property(
    pool: &PgPool,
    user: &AuthUser,
    request: &NewPropertyRequest,
) -> Result<Created, AppError> {
    let landlord_id = match (user.landlord_scope()?, request.landlord_id) {
        (Some(own), None) => own,
        (Some(own), Some(named)) if named == own => own,
        (Some(_), Some(_)) => return Err(AppError::Forbidden),
        (None, Some(named)) => named,
        (None, None) => return Err(AppError::Validation("landlord_id: say whose property it is".into())),
    };
    let landlord = app_user::find_user(pool, landlord_id).await?;
    if !landlord.is_some_and(|u| u.role == Role::Landlord.as_str() && u.disabled_at.is_none()) {
        return Err(AppError::Validation("landlord_id: not a landlord's account".into()));
    }
    let place =
        Place::check(&request.name, &request.address_line, &request.city, &request.postal_code, &request.country)?;
    let new = NewProperty {
        id: Uuid::new_v4(),
        landlord_id,
        name: place.name,
        address_line: place.address_line,
        city: place.city,
        postal_code: place.postal_code,
        country: place.country,
        latitude: None,
        longitude: None,
    };
    property::insert_property_if_absent(pool, &new).await?;
    let after = serde_json::json!({ "name": new.name, "city": new.city, "landlord_id": landlord_id });
    let by = Actor::of(user);
    audit_log::record(pool, &AuditEntry { after: Some(after), ..by.did("property.create", "property", new.id) })
        .await?;
    Ok(Created { id: new.id })
}

/// A property's name and address, checked.
struct Place {
    name: String,
    address_line: String,
    city: String,
    postal_code: String,
    country: String,
}

impl Place {
    /// Each field checked, the country upper-cased; a 400 naming the first bad field.
    fn check(name: &str, address_line: &str, city: &str, postal_code: &str, country: &str) -> Result<Self, AppError> {
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(AppError::Validation("country: a two-letter ISO 3166 code, like FR".into()));
        }
        Ok(Self {
            name: text("name", name, 120)?,
            address_line: text("address_line", address_line, 200)?,
            city: text("city", city, 100)?,
            postal_code: text("postal_code", postal_code, 20)?,
            country,
        })
    }
}

/// Changes the name and address of one of the caller's properties (another
/// landlord's is "not found"), audited with before and after.
pub async fn edit_property(
    pool: &PgPool,
    user: &AuthUser,
    id: Uuid,
    request: &PropertyEditRequest,
) -> Result<PropertyRecord, AppError> {
    let before = property::find_property_scoped(pool, user.landlord_scope()?, id).await?.ok_or(AppError::NotFound)?;
    let place =
        Place::check(&request.name, &request.address_line, &request.city, &request.postal_code, &request.country)?;
    let mut tx = pool.begin().await?;
    property::update_property(
        &mut *tx,
        id,
        &place.name,
        &place.address_line,
        &place.city,
        &place.postal_code,
        &place.country,
    )
    .await?;
    let shape = |name: &str, address: &str, city: &str, postal: &str, country: &str| serde_json::json!({ "name": name, "address_line": address, "city": city, "postal_code": postal, "country": country });
    let was = shape(&before.name, &before.address_line, &before.city, &before.postal_code, &before.country);
    let now = shape(&place.name, &place.address_line, &place.city, &place.postal_code, &place.country);
    let by = Actor::of(user);
    let entry = AuditEntry { before: Some(was), after: Some(now), ..by.did("property.edit", "property", id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(PropertyRecord {
        id,
        name: place.name,
        address_line: place.address_line,
        city: place.city,
        landlord_id: before.landlord_id,
    })
}

/// Changes a unit of one of the caller's properties (another landlord's is
/// "not found"); a label another unit of the property has is a 409. Audited
/// with before and after.
pub async fn edit_unit(
    pool: &PgPool,
    user: &AuthUser,
    id: Uuid,
    request: &NewUnitRequest,
) -> Result<UnitItem, AppError> {
    let scope = user.landlord_scope()?;
    let UnitFields { label, bedrooms, section, floor } = UnitFields::check(request)?;
    let mut tx = pool.begin().await?;
    let before = unit::lock_unit_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    if !unit::update_unit(&mut tx, id, &label, section.as_deref(), floor.as_deref(), bedrooms).await? {
        return Err(AppError::Conflict(format!("label: another unit of this property is labelled {label}")));
    }
    let shape = |label: &str, section: &Option<String>, floor: &Option<String>, bedrooms: i32| serde_json::json!({ "label": label, "section": section, "floor": floor, "bedrooms": bedrooms });
    let was = shape(&before.label, &before.section, &before.floor, before.bedrooms);
    let now = shape(&label, &section, &floor, bedrooms);
    let by = Actor::of(user);
    let entry = AuditEntry { before: Some(was), after: Some(now), ..by.did("unit.edit", "unit", id) };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(UnitItem { id, label, section, floor, bedrooms, archived_at: before.archived_at })
}

/// Adds a unit to one of the caller's properties; a label already used there is a 409.
pub async fn create_unit(
    pool: &PgPool,
    user: &AuthUser,
    property_id: Uuid,
    request: &NewUnitRequest,
) -> Result<Created, AppError> {
    let owned =
        property::find_property_scoped(pool, user.landlord_scope()?, property_id).await?.ok_or(AppError::NotFound)?;
    if owned.archived_at.is_some() {
        return Err(AppError::Conflict(format!("property: {} is archived; bring it back first", owned.name)));
    }
    let fields = UnitFields::check(request)?;
    let new = NewUnit {
        id: Uuid::new_v4(),
        property_id: owned.id,
        label: fields.label,
        section: fields.section,
        floor: fields.floor,
        bedrooms: fields.bedrooms,
        bathrooms: 1,
        area_m2: None,
        rent_minor: None,
        currency: None,
    };
    if !unit::insert_unit(pool, &new).await? {
        return Err(AppError::Conflict(format!("label: {} already has a unit labelled {}", owned.name, new.label)));
    }
    let after = serde_json::json!({ "property_id": owned.id, "label": new.label, "bedrooms": new.bedrooms });
    let by = Actor::of(user);
    audit_log::record(pool, &AuditEntry { after: Some(after), ..by.did("unit.create", "unit", new.id) }).await?;
    Ok(Created { id: new.id })
}
