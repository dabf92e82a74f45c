//! The emulator's HTTP surface: Condo's `POST /admin/api` and the sandbox-only `/__sandbox/…`.

mod control;
mod files;
mod graphql;
mod multipart;
pub mod server;

use super::state::Shared;
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use std::sync::Arc;

/// All routes of one emulator run; faults apply to `/admin/api` only (uploaded files are
/// served without faults, with the API's authentication).
pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/admin/api", post(graphql::handle))
        .route_layer(from_fn_with_state(shared.clone(), graphql::inject_faults));
    let files = Router::new().route(&format!("{}/{{file_id}}/{{name}}", files::FILES_PATH), get(files::serve));
    api.merge(files).merge(control::router()).with_state(shared)
}
