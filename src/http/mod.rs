//! Plain HTTP routes (no pages): health, sign-in, JWKS, and the session
//! middleware; webhooks and the public API as they come. Each module owns its `router()`.

pub mod access_log;
mod auth;
pub mod headers;
mod health;
mod jwks;
mod killbill_drift;
pub mod limits;
mod maintenance;
mod maintenance_files;
mod maintenance_requests;
mod manage;
mod manage_archive;
mod manage_forms;
mod manage_lease_forms;
mod me;
pub mod metrics;
mod operator;
pub mod page_guard;
mod people;
pub mod portal;
pub mod server_fn_errors;
pub mod session;
mod sitemap;
mod webhooks_condo;
mod webhooks_killbill;

use app::server::state::AppState;
use axum::Router;

/// Every JSON route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(jwks::router())
        .merge(me::router())
        .merge(manage::router())
        .merge(killbill_drift::router())
        .merge(manage_forms::router())
        .merge(manage_archive::router())
        .merge(manage_lease_forms::router())
        .merge(people::router())
        .merge(metrics::router())
        .merge(portal::router())
        .merge(maintenance::router())
        .merge(maintenance_requests::router())
        .merge(maintenance_files::router())
        .merge(webhooks_condo::router())
        .merge(webhooks_killbill::router())
        .merge(sitemap::router())
}
