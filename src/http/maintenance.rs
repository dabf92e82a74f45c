//! `/api/maintenance`: maintenance tickets as JSON, scoped by role like the pages
//! (landlords: their properties; tenants: the units they rent now; admins: all).
//! A ticket outside the caller's scope answers 404, exactly like one that does not exist.

use app::domain::{TicketParams, TicketQuery};
use app::model::AppError;
use app::model::maintenance::{TicketDetail, TicketResults};
use app::server::auth::AuthUser;
use app::server::maintenance::{find_ticket_of, list_tickets_of};
use app::server::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use std::collections::HashMap;

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
) -> Result<Json<TicketResults>, AppError> {
    user.ticket_scope()?;
    let params = TicketParams::from_lookup(|k| raw.get(k).cloned());
    let query = TicketQuery::parse(&params).map_err(AppError::Validation)?;
    Ok(Json(list_tickets_of(&state.pool, &user, query).await?.into()))
}

async fn one(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<TicketDetail>, AppError> {
    Ok(Json(find_ticket_of(&state.pool, &user, &id).await?))
}
