//! Scoped reads for signed-in callers: who am I, an invoice, a property and
//! its maintenance tickets.
//! Whatever is not the caller's own answers 404, exactly like what does not
//! exist, so nothing leaks about other people's data.

use app::api::AppError;
use app::domain::Role;
use app::server::auth::AuthUser;
use app::server::state::AppState;
use app::server::store::{invoice, maintenance_ticket, property};
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
}

async fn me(user: AuthUser) -> Json<Value> {
    Json(json!({ "sub": user.user_id, "role": user.role, "tenant_id": user.tenant_id }))
}

/// Tenants read their own invoices; admins any; landlords none.
async fn get_invoice(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, AppError> {
    let scope = match user.role {
        Role::Admin => None,
        Role::Tenant => Some(user.tenant_id.ok_or(AppError::Forbidden)?),
        Role::Landlord => return Err(AppError::Forbidden),
    };
    let row = invoice::find_invoice_of_tenant(&state.pool, scope, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(json!({
        "id": row.id, "number": row.number, "currency": row.currency,
        "total_minor": row.total_minor, "paid_minor": row.paid_minor, "due_on": row.due_on,
    })))
}

fn landlord_scope(user: &AuthUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Admin => Ok(None),
        Role::Landlord => Ok(Some(user.user_id)),
        Role::Tenant => Err(AppError::Forbidden),
    }
}

/// The caller's properties (admins: every property).
async fn list_properties(State(state): State<AppState>, user: AuthUser) -> Result<Json<Value>, AppError> {
    let rows = property::list_properties_scoped(&state.pool, landlord_scope(&user)?).await?;
    Ok(Json(json!(rows.into_iter().map(|p| json!({ "id": p.id, "name": p.name, "city": p.city })).collect::<Vec<_>>())))
}

/// One property of the caller's (admins: any).
async fn get_property(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, AppError> {
    let row =
        property::find_property_scoped(&state.pool, landlord_scope(&user)?, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(
        json!({ "id": row.id, "name": row.name, "address_line": row.address_line, "city": row.city, "landlord_id": row.landlord_id }),
    ))
}

/// The maintenance tickets of one of the caller's properties (admins: any).
async fn list_property_tickets(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, AppError> {
    let owned =
        property::find_property_scoped(&state.pool, landlord_scope(&user)?, id).await?.ok_or(AppError::NotFound)?;
    let tickets = maintenance_ticket::list_tickets_of_property(&state.pool, owned.id).await?;
    Ok(Json(json!(
        tickets
            .into_iter()
            .map(|t| json!({
                "id": t.id, "number": t.number, "title": t.title, "status": t.status,
                "priority": t.priority, "is_emergency": t.is_emergency, "updated_at": t.source_updated_at,
            }))
            .collect::<Vec<_>>()
    )))
}
