//! Kill Bill drift as JSON, for admins: the drifting invoices, and the two
//! ways out of each (`app::server::killbill_drift`). An action's body may
//! carry the figures the caller saw (`{"local_minor", "killbill_minor"}`):
//! if they changed since, it is refused with 409; without a body, the
//! figures recorded now are acted on.

use app::model::AppError;
use app::model::killbill_drift::{DriftResolved, DriftSeen, InvoiceDrift};
use app::server::auth::AuthUser;
use app::server::killbill_drift::{self as drift, client_of};
use app::server::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

/// The drift routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/manage/killbill/drift", get(list))
        .route("/api/manage/killbill/drift/{invoice_id}/accept", post(accept))
        .route("/api/manage/killbill/drift/{invoice_id}/reassert", post(reassert))
}

/// → 200: every drifting invoice, with what each way out would do.
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<InvoiceDrift>>, AppError> {
    Ok(Json(drift::list(&state.pool, &user).await?))
}

/// → 200: Kill Bill's figure recorded in our ledger (a credit note already
/// present in Kill Bill); 409 when the drift is gone or changed, 422 when it
/// cannot be accepted (the reason says why).
async fn accept(
    State(state): State<AppState>,
    user: AuthUser,
    Path(invoice_id): Path<Uuid>,
    body: Bytes,
) -> Result<Json<DriftResolved>, AppError> {
    user.require_admin()?;
    let seen = seen(&body)?;
    Ok(Json(drift::accept(&state.pool, client_of(&state)?, &user, invoice_id, seen).await?))
}

/// → 200: Kill Bill holds our figure again; 409 when the drift is gone or
/// changed, 422 when Kill Bill cannot be brought to it, 502 when Kill Bill
/// did not answer (the re-assert stays open: calling again finishes it).
async fn reassert(
    State(state): State<AppState>,
    user: AuthUser,
    Path(invoice_id): Path<Uuid>,
    body: Bytes,
) -> Result<Json<DriftResolved>, AppError> {
    user.require_admin()?;
    let seen = seen(&body)?;
    Ok(Json(drift::reassert(&state.pool, client_of(&state)?, &user, invoice_id, seen).await?))
}

/// The figures the caller saw, if it sent them (no body, or `null`: none).
fn seen(body: &[u8]) -> Result<Option<DriftSeen>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body).map_err(|e| {
        AppError::Validation(format!("body: {{\"local_minor\": …, \"killbill_minor\": …}} as seen, or nothing ({e})"))
    })
}
