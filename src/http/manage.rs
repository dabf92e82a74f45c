//! The back office as JSON (`/api/manage/...`), for Bearer-token callers.
//! Each route calls the service the pages call, scoped the same way.

use app::model::AppError;
use app::model::audit::{AuditQuery, AuditRecord};
use app::model::billing::{BillingRunRequest, BillingRunResult};
use app::model::payment::{PaymentRecorded, PaymentRequest};
use app::model::property::{PropertyItem, UnitItem};
use app::server::auth::AuthUser;
use app::server::state::AppState;
use app::server::{audit, billing, payment, property};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

/// The back-office routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/manage/billing/run", post(run_billing))
        .route("/api/manage/properties", get(list_properties))
        .route("/api/manage/properties/{id}/units", get(list_units))
        .route("/api/manage/audit", get(list_audit))
        .route("/api/manage/invoices/{id}/payments", post(record_payment))
}

/// The caller's properties (admins: every one).
async fn list_properties(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<PropertyItem>>, AppError> {
    Ok(Json(property::list_properties(&state.pool, &user).await?))
}

/// The units of one of the caller's properties; another landlord's answers 404.
async fn list_units(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<UnitItem>>, AppError> {
    Ok(Json(property::list_units(&state.pool, &user, id).await?))
}

/// The audit log, newest first (admins): `?entity=&entity_id=&limit=`.
async fn list_audit(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditRecord>>, AppError> {
    let Query(query) = query.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(audit::list(&state.pool, &user, &query).await?))
}

/// Admins bill a month now: `{period: "YYYY-MM"}` → `{period, created, skipped, run_id}`.
async fn run_billing(
    State(state): State<AppState>,
    user: AuthUser,
    body: Result<Json<BillingRunRequest>, JsonRejection>,
) -> Result<Json<BillingRunResult>, AppError> {
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok(Json(billing::run_now(&state, &user, &request.period).await?))
}

/// Records a payment against an invoice of the caller's properties:
/// `{amount_minor, received_on, method, reference}` → 201 with what is left to pay.
async fn record_payment(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
    body: Result<Json<PaymentRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<PaymentRecorded>), AppError> {
    let Json(request) = body.map_err(|e| AppError::Validation(e.body_text()))?;
    Ok((StatusCode::CREATED, Json(payment::record(&state.pool, &user, id, &request).await?)))
}
