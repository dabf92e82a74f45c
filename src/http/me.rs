//! Scoped reads for signed-in callers: who am I, an invoice, a property and
//! its maintenance tickets.
//! Whatever is not the caller's own answers 404, exactly like what does not
//! exist, so nothing leaks about other people's data.

use app::model::AppError;
use app::model::account::InvoiceRecord;
use app::model::property::{PropertyItem, PropertyRecord, PropertyTicket, UnitItem};
use app::server::auth::AuthUser;
use app::server::state::AppState;
use app::server::{account, property};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use uuid::Uuid;

/// The scoped routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/me", get(me))
        .route("/api/invoices/{id}", get(get_invoice))
        .route("/api/my/properties", get(list_properties))
        .route("/api/my/properties/{id}", get(get_property))
        .route("/api/my/properties/{id}/tickets", get(list_property_tickets))
        .route("/api/my/properties/{id}/units", get(list_property_units))
}

async fn me(user: AuthUser) -> Json<Value> {
    Json(json!({ "sub": user.user_id, "role": user.role, "tenant_id": user.tenant_id }))
}

/// Tenants read their own invoices; admins any; landlords none.
async fn get_invoice(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<InvoiceRecord>, AppError> {
    Ok(Json(account::find_invoice(&state.pool, &user, id).await?))
}

/// The caller's properties (admins: every property).
async fn list_properties(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<PropertyItem>>, AppError> {
    Ok(Json(property::list_properties(&state.pool, &user).await?))
}

/// One property of the caller's (admins: any).
async fn get_property(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<PropertyRecord>, AppError> {
    Ok(Json(property::find_property(&state.pool, &user, id).await?))
}

/// The maintenance tickets of one of the caller's properties (admins: any).
async fn list_property_tickets(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<PropertyTicket>>, AppError> {
    Ok(Json(property::list_property_tickets(&state.pool, &user, id).await?))
}

/// The units of one of the caller's properties (admins: any).
async fn list_property_units(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<UnitItem>>, AppError> {
    Ok(Json(property::list_units(&state.pool, &user, id).await?))
}
