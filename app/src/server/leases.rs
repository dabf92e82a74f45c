//! Leases in the back office: let a unit of the caller's properties to a
//! tenant, end a lease, list them. One lease per unit at a time is the
//! database's rule (an exclusion constraint); a clash is a 409 naming the unit.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::{Currency, Role};
use crate::model::AppError;
use crate::model::manage::{
    ChargeRequest, Created, EndLeaseRequest, LeaseChargeItem, LeaseQuery, LeaseRecord, NewLeaseRequest,
    RentChangeRequest, RentChanged, RentStep,
};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::list_params::list_params;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::lease::{self, NewLease};
use crate::server::store::{app_user, billing, unit};

/// Rents and deposits above this are refused as typing mistakes (in minor units).
const MAX_AMOUNT_MINOR: i64 = 100_000_000_000;

/// A `YYYY-MM-DD` field.
pub fn date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Validation(format!("{field}: a date, YYYY-MM-DD")))?;
    if !(2000..=2999).contains(&chrono::Datelike::year(&day)) {
        return Err(AppError::Validation(format!("{field}: a date between 2000 and 2999")));
    }
    Ok(day)
}

async fn audit(
    db: impl sqlx::PgExecutor<'_>,
    user: &AuthUser,
    action: &str,
    id: Uuid,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Result<(), AppError> {
    let by = Actor::of(user);
    let entry = AuditEntry { before, after: Some(after), ..by.did(action, "lease", id) };
    Ok(audit_log::record(db, &entry).await?)
}

/// Lets a unit of the caller's properties to a tenant.
pub async fn create(pool: &PgPool, user: &AuthUser, request: &NewLeaseRequest) -> Result<Created, AppError> {
    let scope = user.landlord_scope()?;
    let tenant = app_user::find_user(pool, request.tenant_id).await?;
    if !tenant.is_some_and(|t| t.role == Role::Tenant.as_str() && t.disabled_at.is_none()) {
        return Err(AppError::Validation("tenant_id: not a tenant's account".into()));
    }
    let starts_on = date("start_on", &request.start_on)?;
    let ends_on = request.end_on.as_deref().filter(|v| !v.trim().is_empty()).map(|v| date("end_on", v)).transpose()?;
    if ends_on.is_some_and(|end| end < starts_on) {
        return Err(AppError::Validation("end_on: on or after start_on".into()));
    }
    if !(0..=MAX_AMOUNT_MINOR).contains(&request.rent_minor) {
        return Err(AppError::Validation("rent_minor: a whole number of minor units, 0 or more".into()));
    }
    let deposit_minor = request.deposit_minor.unwrap_or(0);
    if !(0..=MAX_AMOUNT_MINOR).contains(&deposit_minor) {
        return Err(AppError::Validation("deposit_minor: a whole number of minor units, 0 or more".into()));
    }
    let currency = Currency::parse(request.currency.trim())
        .map_err(|_| AppError::Validation("currency: an ISO 4217 code, like EUR".into()))?;
    let due_day = request.due_day.unwrap_or(1);
    if !(1..=28).contains(&due_day) {
        return Err(AppError::Validation("due_day: from 1 to 28".into()));
    }
    let new = NewLease {
        id: Uuid::new_v4(),
        unit_id: request.unit_id,
        tenant_id: request.tenant_id,
        starts_on,
        ends_on,
        rent_minor: request.rent_minor,
        deposit_minor,
        currency: currency.as_str().to_owned(),
        due_day,
    };
    let mut tx = pool.begin().await?;
    match unit::lock_unit_for_lease(&mut tx, scope, request.unit_id).await? {
        None => return Err(AppError::NotFound),
        Some(true) => {
            return Err(AppError::Conflict(
                "unit_id: the unit or its property is archived; bring it back first".into(),
            ));
        }
        Some(false) => {}
    }
    match lease::insert_lease_if_absent(&mut *tx, &new).await {
        Ok(_) => {}
        Err(err) if err.as_database_error().and_then(|e| e.code()).as_deref() == Some("23P01") => {
            return Err(AppError::Conflict("unit_id: the unit is already let for some of those days".into()));
        }
        Err(err) => return Err(err.into()),
    }
    let after = serde_json::json!({
        "unit_id": new.unit_id, "tenant_id": new.tenant_id, "start_on": starts_on, "end_on": ends_on,
        "rent_minor": new.rent_minor, "currency": new.currency, "due_day": due_day, "deposit_minor": deposit_minor,
    });
    audit(&mut *tx, user, "lease.create", new.id, None, after).await?;
    tx.commit().await?;
    Ok(Created { id: new.id })
}

/// Sets the move-out day of a lease of the caller's properties. Refused when
/// it would leave invoices for months after it (void them first).
pub async fn end(pool: &PgPool, user: &AuthUser, id: Uuid, request: &EndLeaseRequest) -> Result<(), AppError> {
    let scope = user.landlord_scope()?;
    let ends_on = date("end_on", &request.end_on)?;
    let mut tx = pool.begin().await?;
    let terms = lease::lock_lease_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    let (starts_on, before) = (terms.starts_on, terms.ends_on);
    if ends_on < starts_on {
        return Err(AppError::Validation(format!("end_on: on or after the lease's first day, {starts_on}")));
    }
    let later = lease::count_invoices_after(&mut *tx, id, ends_on).await?;
    if later > 0 {
        return Err(AppError::Conflict(format!(
            "end_on: {later} invoice(s) bill months after {ends_on}; void them first"
        )));
    }
    match lease::set_end(&mut *tx, id, ends_on).await {
        Ok(()) => {}
        Err(err) if err.as_database_error().and_then(|e| e.code()).as_deref() == Some("23P01") => {
            return Err(AppError::Conflict("end_on: the unit is let to someone else on some of those days".into()));
        }
        Err(err) => return Err(err.into()),
    }
    let after_end = ends_on.succ_opt().unwrap_or(ends_on);
    let dropped = lease::remove_rent_changes(&mut *tx, id, after_end, false).await?;
    tx.commit().await?;
    let before = serde_json::json!({ "end_on": before });
    let after = serde_json::json!({ "end_on": ends_on, "rent_changes_dropped": dropped });
    audit(pool, user, "lease.end", id, Some(before), after).await?;
    Ok(())
}

/// Sets the rent of a lease of the caller's properties from a day on (a
/// change from that same day is replaced). Only days not yet invoiced can
/// change: invoices are never rewritten.
pub async fn change_rent(
    pool: &PgPool,
    user: &AuthUser,
    id: Uuid,
    request: &RentChangeRequest,
) -> Result<RentChanged, AppError> {
    let scope = user.landlord_scope()?;
    let from_on = date("from_on", &request.from_on)?;
    if !(0..=MAX_AMOUNT_MINOR).contains(&request.rent_minor) {
        return Err(AppError::Validation("rent_minor: a whole number of minor units, 0 or more".into()));
    }
    let mut tx = pool.begin().await?;
    let terms = lease::lock_lease_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    within_future_of(&mut tx, id, &terms, from_on).await?;
    let was_minor = lease::rent_on(&mut *tx, id, from_on).await?;
    lease::set_rent_from(&mut *tx, id, from_on, request.rent_minor).await?;
    let by = Actor::of(user);
    let entry = AuditEntry {
        before: Some(serde_json::json!({ "from_on": from_on, "rent_minor": was_minor })),
        after: Some(serde_json::json!({ "from_on": from_on, "rent_minor": request.rent_minor })),
        ..by.did("lease.rent_change", "lease", id)
    };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(RentChanged { lease_id: id, from_on, rent_minor: request.rent_minor, was_minor, currency: terms.currency })
}

/// Withdraws a rent change not yet invoiced: the rent before it holds on.
pub async fn cancel_rent_change(pool: &PgPool, user: &AuthUser, id: Uuid, from_on: &str) -> Result<(), AppError> {
    let scope = user.landlord_scope()?;
    let from_on = date("from_on", from_on)?;
    let mut tx = pool.begin().await?;
    let terms = lease::lock_lease_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    within_future_of(&mut tx, id, &terms, from_on).await?;
    let rent_minor = lease::rent_on(&mut *tx, id, from_on).await?;
    if lease::remove_rent_changes(&mut *tx, id, from_on, true).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    let by = Actor::of(user);
    let entry = AuditEntry {
        before: Some(serde_json::json!({ "from_on": from_on, "rent_minor": rent_minor })),
        after: Some(serde_json::json!({ "from_on": from_on, "cancelled": true })),
        ..by.did("lease.rent_change_cancel", "lease", id)
    };
    audit_log::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a recurring charge to a lease of the caller's properties: billed
/// with the rent from the next rent run on.
pub async fn add_charge(
    pool: &PgPool,
    user: &AuthUser,
    id: Uuid,
    request: &ChargeRequest,
) -> Result<Created, AppError> {
    let scope = user.landlord_scope()?;
    let description = crate::server::places::text("description", &request.description, 200)?;
    if !(0..=MAX_AMOUNT_MINOR).contains(&request.amount_minor) {
        return Err(AppError::Validation("amount_minor: a whole number of minor units, 0 or more".into()));
    }
    let mut tx = pool.begin().await?;
    let terms = lease::lock_lease_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    if terms.ends_on.is_some_and(|end| end < chrono::Utc::now().date_naive()) {
        return Err(AppError::Conflict("lease: it has ended; a charge would never be billed".into()));
    }
    let charge = lease::ChargeRow { id: Uuid::new_v4(), lease_id: id, description, amount_minor: request.amount_minor };
    lease::insert_charge(&mut *tx, &charge).await?;
    let after = serde_json::json!({ "charge_id": charge.id, "description": charge.description,
                                    "amount_minor": charge.amount_minor, "currency": terms.currency });
    audit(&mut *tx, user, "lease.charge_add", id, None, after).await?;
    tx.commit().await?;
    Ok(Created { id: charge.id })
}

/// Takes a recurring charge off a lease of the caller's properties, from the
/// next rent run on (invoices already issued keep it).
pub async fn remove_charge(pool: &PgPool, user: &AuthUser, id: Uuid, charge_id: Uuid) -> Result<(), AppError> {
    let scope = user.landlord_scope()?;
    let mut tx = pool.begin().await?;
    lease::lock_lease_scoped(&mut tx, scope, id).await?.ok_or(AppError::NotFound)?;
    let removed = lease::remove_charge(&mut *tx, id, charge_id).await?.ok_or(AppError::NotFound)?;
    let before = serde_json::json!({ "charge_id": removed.id, "description": removed.description,
                                     "amount_minor": removed.amount_minor });
    audit(&mut *tx, user, "lease.charge_remove", id, Some(before), serde_json::json!({ "removed": true })).await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses a day outside the lease or already invoiced.
async fn within_future_of(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    terms: &lease::LeaseTerms,
    day: NaiveDate,
) -> Result<(), AppError> {
    if day < terms.starts_on || terms.ends_on.is_some_and(|end| day > end) {
        let end = terms.ends_on.map_or("open-ended".to_owned(), |d| d.to_string());
        return Err(AppError::Validation(format!("from_on: a day of the lease ({} to {end})", terms.starts_on)));
    }
    if let Some(invoiced) = lease::last_invoiced_day(&mut *conn, id).await?
        && day <= invoiced
    {
        let earliest = invoiced.succ_opt().unwrap_or(invoiced);
        return Err(AppError::Conflict(format!(
            "from_on: the rent up to {invoiced} is already invoiced, and invoices are not rewritten; \
             a change can start on {earliest} at the earliest"
        )));
    }
    Ok(())
}

/// The caller's leases, newest first, 50 a page.
pub async fn list(pool: &PgPool, user: &AuthUser, query: &LeaseQuery) -> Result<Vec<LeaseRecord>, AppError> {
    let scope = user.landlord_scope()?;
    let list = list_params(query.page, query.q.as_deref())?;
    let rows =
        lease::list_leases_scoped(pool, scope, query.unit_id, query.tenant_id, list.search, list.limit, list.offset)
            .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut changes: std::collections::HashMap<Uuid, Vec<RentStep>> = std::collections::HashMap::new();
    for c in billing::list_rent_changes(pool, &ids, None).await? {
        changes.entry(c.lease_id).or_default().push(RentStep { from_on: c.starts_on, rent_minor: c.rent_minor });
    }
    let mut charges: std::collections::HashMap<Uuid, Vec<LeaseChargeItem>> = std::collections::HashMap::new();
    for c in lease::list_charges_of_leases(pool, &ids).await? {
        let item = LeaseChargeItem { id: c.id, description: c.description, amount_minor: c.amount_minor };
        charges.entry(c.lease_id).or_default().push(item);
    }
    Ok(rows
        .into_iter()
        .map(|r| LeaseRecord {
            rent_changes: changes.remove(&r.id).unwrap_or_default(),
            id: r.id,
            unit_id: r.unit_id,
            unit_label: r.unit_label,
            property_id: r.property_id,
            property_name: r.property_name,
            tenant_id: r.tenant_id,
            tenant_name: r.tenant_name,
            start_on: r.starts_on,
            end_on: r.ends_on,
            rent_minor: r.rent_minor,
            deposit_minor: r.deposit_minor,
            currency: r.currency,
            due_day: r.due_day,
            invoiced_through: r.invoiced_through,
            charges: charges.remove(&r.id).unwrap_or_default(),
        })
        .collect())
}
