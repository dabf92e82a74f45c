//! The Kill Bill quarantine on the admin panel: records Kill Bill refused
//! for good, and retry or skip for each. Admins only.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::quarantine::QuarantinedRecord;

/// Every quarantined record, held ones first.
#[server(endpoint = "admin/killbill-quarantine")]
pub async fn list_quarantine() -> Result<Vec<QuarantinedRecord>, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::quarantine::list(&pool, &user).await
}

/// Tries a quarantined record again on the next mirror run (asked for now).
#[server(endpoint = "admin/killbill-quarantine/retry")]
pub async fn retry_quarantined(id: i64) -> Result<(), AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::quarantine::decide(&pool, &user, id, crate::server::quarantine::Decision::Retry).await
}

/// Leaves a quarantined record out of Kill Bill for good.
#[server(endpoint = "admin/killbill-quarantine/skip")]
pub async fn skip_quarantined(id: i64) -> Result<(), AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::quarantine::decide(&pool, &user, id, crate::server::quarantine::Decision::Skip).await
}
