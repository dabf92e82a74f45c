//! `POST /api/webhooks/killbill/{token}`: Kill Bill's push notifications.
//! Kill Bill cannot sign, so the URL carries the tenant's long random token
//! (`marketplace killbill webhook-url`); a wrong token gets a 404 and nothing
//! is stored. A valid delivery is stored once (duplicates included in the
//! 200), and processed by the `killbill_webhooks` job, which the delivery asks
//! for: the account is re-read from Kill Bill before anything local changes
//! (`app::server::webhooks::killbill`).

use app::model::AppError;
use app::server::state::AppState;
use app::server::webhooks::{self, killbill as kb};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

/// The Kill Bill webhook route, with its body limit.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/webhooks/killbill/{token}", post(receive))
        .layer(DefaultBodyLimit::max(kb::MAX_BODY_BYTES))
}

/// Checks the token, then reads (413 over the limit), parses (400 with the
/// reason), stores, and asks for the processing job.
async fn receive(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    let Some(settings) = state.sync.killbill.as_ref() else {
        return AppError::NotFound.into_response();
    };
    if !kb::token_matches(settings, &token) {
        tracing::warn!("Kill Bill webhook with a wrong token refused");
        return AppError::NotFound.into_response();
    }
    let body = match Bytes::from_request(request, &state).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let (notification, payload) = match kb::parse_notification(&body) {
        Ok(parsed) => parsed,
        Err(message) => return AppError::Validation(message).into_response(),
    };
    let stored = match kb::store_notification(&state.pool, &notification, payload).await {
        Ok(stored) => stored,
        Err(err) => return AppError::from(err).into_response(),
    };
    if stored.is_some() {
        // Stored first: if asking fails, the job's schedule still finds the event.
        webhooks::request_processing(&state.pool, kb::SOURCE).await;
    }
    Json(json!({ "stored": stored.is_some(), "duplicate": stored.is_none() })).into_response()
}
