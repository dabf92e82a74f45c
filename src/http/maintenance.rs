//! `/api/maintenance`: maintenance tickets as JSON, scoped by role like the pages
//! (landlords: their properties; tenants: the units they rent now; admins: all).
//! A ticket outside the caller's scope answers 404, exactly like one that does not exist.

use app::api::AppError;
use app::api::maintenance::server::{scope_of, ticket_detail, ticket_page};
use app::domain::TicketQuery;
use app::server::auth::AuthUser;
use app::server::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// The maintenance routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/maintenance", get(list)).route("/api/maintenance/{id}", get(one))
}

/// `status`, `priority` (one value or several, comma-separated), `emergency`, `overdue`,
/// `property`, `updated_since`, `sort`, `page`, `per_page`; a 400 names a bad one.
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let scope = scope_of(&user)?;
    let query = TicketQuery::parse(&raw).map_err(AppError::Validation)?;
    let page = ticket_page(&state.pool, scope, query).await?;
    let request = page.query.page;
    let counts: serde_json::Map<String, Value> = page.counts.iter().map(|(s, n)| (s.clone(), json!(n))).collect();
    Ok(Json(json!({
        "items": page.items,
        "total": page.total,
        "counts": counts,
        "page": request.page,
        "per_page": request.per_page,
        "pages": request.page_count(page.total),
    })))
}

async fn one(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let scope = scope_of(&user)?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let ticket = ticket_detail(&state.pool, scope, id).await?;
    Ok(Json(serde_json::to_value(ticket).map_err(app::server::error::internal)?))
}
