//! The back office's reads for its pages (`/manage/...`). The forms post to
//! plain routes (see `src/http/manage_forms.rs`) that call the same services.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::manage::{InvoiceItem, InvoiceQuery, LeaseQuery, LeaseRecord};
use crate::model::people::{PeopleQuery, Person};
use crate::model::property::{PropertyItem, UnitItem};

/// What the back office's pages need to know about the caller.
#[server(endpoint = "backoffice/whoami")]
pub async fn manage_role() -> Result<crate::domain::Role, AppError> {
    let user = crate::server::auth::require_user()?;
    user.landlord_scope()?;
    Ok(user.role)
}

/// The caller's leases (admins: every lease), 50 a page.
#[server(endpoint = "backoffice/leases")]
pub async fn manage_leases(query: LeaseQuery) -> Result<Vec<LeaseRecord>, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::leases::list(&pool, &user, &query).await
}

/// The caller's invoices (admins: every invoice), 50 a page.
#[server(endpoint = "backoffice/invoices")]
pub async fn manage_invoices(query: InvoiceQuery) -> Result<Vec<InvoiceItem>, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::invoices::list(&pool, &user, &query).await
}

/// The caller's properties in use (`archived`: the archived ones) with their
/// units, 50 a page (every one with no page); with `q`, those whose name,
/// address, postal code or city contain it.
#[server(endpoint = "backoffice/properties")]
pub async fn manage_properties(
    q: Option<String>,
    archived: bool,
    page: Option<i64>,
) -> Result<Vec<(PropertyItem, Vec<UnitItem>)>, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::property::list_properties_with_units(&pool, &user, q.as_deref(), archived, page).await
}

/// People (admins only), 50 a page.
#[server(endpoint = "backoffice/people")]
pub async fn manage_people(query: PeopleQuery) -> Result<Vec<Person>, AppError> {
    let user = crate::server::auth::require_user()?;
    user.require_admin()?;
    let pool = crate::server::state::pool()?;
    crate::server::people::list(&pool, &query).await
}

/// The rent roll of the caller's properties for the last `months` months (default 6).
#[server(endpoint = "backoffice/rent_roll")]
pub async fn manage_rent_roll(months: Option<u32>) -> Result<crate::model::rent_roll::RentRoll, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    let today = chrono::Utc::now().date_naive();
    crate::server::rent_roll::load(&pool, &user, months.unwrap_or(6), today).await
}
