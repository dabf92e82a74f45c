//! Who may read the operator's views (`/metrics`, the detailed
//! `/api/health`): a scraper with `Authorization: Bearer
//! <MARKETPLACE_METRICS_TOKEN>`, or a signed-in admin. Everyone else gets
//! the public summary of the health, and a 401 from `/metrics`.

use app::domain::Role;
use app::server::auth::extractor::authenticate;
use app::server::state::AppState;
use app::server::webhooks::condo::token_matches;
use axum::http::{header, request::Parts};

/// Whether the request comes from the operator's tools or an admin.
pub fn is_operator(parts: &Parts, state: &AppState) -> bool {
    if let Some(expected) = &state.metrics_token {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if bearer.is_some_and(|given| token_matches(expected.expose(), given)) {
            return true;
        }
    }
    // Any other Bearer token is a user's (or nothing valid).
    matches!(authenticate(parts, state), Ok(Some(user)) if user.role == Role::Admin)
}
