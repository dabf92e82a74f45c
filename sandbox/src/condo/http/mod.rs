//! The emulator's HTTP surface: Condo's `POST /admin/api` and the sandbox-only `/__sandbox/…`.

mod control;
mod graphql;
pub mod server;

use super::state::Shared;
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::post;
use std::sync::Arc;

/// All routes of one emulator run; faults apply to `/admin/api` only.
pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/admin/api", post(graphql::handle))
        .route_layer(from_fn_with_state(shared.clone(), graphql::inject_faults));
    api.merge(control::router()).with_state(shared)
}
