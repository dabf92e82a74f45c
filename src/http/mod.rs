//! Plain JSON routes (no pages): health now; auth, webhooks and the public
//! API as they come. Each module owns its `router()`.

mod health;

use app::server::state::AppState;
use axum::Router;

/// Every JSON route.
pub fn router() -> Router<AppState> {
    Router::new().merge(health::router())
}
