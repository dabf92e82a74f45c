//! Plain HTTP routes (no pages): health, sign-in, JWKS, and the session
//! middleware; webhooks and the public API as they come. Each module owns its `router()`.

mod auth;
mod health;
mod jwks;
mod me;
mod portal;
pub mod session;
mod sitemap;

use app::server::state::AppState;
use axum::Router;

/// Every JSON route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(jwks::router())
        .merge(me::router())
        .merge(portal::router())
        .merge(sitemap::router())
}
