//! Kill Bill drift on the admin panel: the drifting invoices, and the two
//! ways out of each (accept Kill Bill's figure, re-assert ours). Admins only.

use leptos::prelude::*;
use uuid::Uuid;

use crate::model::AppError;
use crate::model::killbill_drift::{DriftResolved, InvoiceDrift};

/// Every drifting invoice, with what each way out would do.
#[server(endpoint = "admin/killbill-drift")]
pub async fn list_killbill_drift() -> Result<Vec<InvoiceDrift>, AppError> {
    let user = crate::server::auth::require_user()?;
    let pool = crate::server::state::pool()?;
    crate::server::killbill_drift::list(&pool, &user).await
}

/// Records Kill Bill's figure of the invoice in our ledger (the figures are
/// those the admin saw; changed since, it is refused).
#[server(endpoint = "admin/killbill-drift/accept")]
pub async fn accept_killbill_figure(
    invoice_id: Uuid,
    local_minor: i64,
    killbill_minor: i64,
) -> Result<DriftResolved, AppError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::state::app_state()?;
    let client = crate::server::killbill_drift::client_of(&state)?;
    let seen = Some(crate::model::killbill_drift::DriftSeen { local_minor, killbill_minor });
    crate::server::killbill_drift::accept(&state.pool, client, &user, invoice_id, seen).await
}

/// Sends Kill Bill what makes its figure of the invoice ours again (or
/// finishes the re-assert under way).
#[server(endpoint = "admin/killbill-drift/reassert")]
pub async fn reassert_our_figure(
    invoice_id: Uuid,
    local_minor: i64,
    killbill_minor: i64,
) -> Result<DriftResolved, AppError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::state::app_state()?;
    let client = crate::server::killbill_drift::client_of(&state)?;
    let seen = Some(crate::model::killbill_drift::DriftSeen { local_minor, killbill_minor });
    crate::server::killbill_drift::reassert(&state.pool, client, &user, invoice_id, seen).await
}
