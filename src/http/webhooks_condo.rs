//! `POST /api/webhooks/condo/{token}`: Condo's ticket webhooks. The delivery is verified
//! (token, and signature when a secret is configured), stored as deduplicated events and
//! acknowledged at once; the `condo_webhooks` job, which the delivery asks for, processes
//! them (see `app::server::webhooks::condo`).

use app::model::AppError;
use app::server::state::AppState;
use app::server::webhooks::condo::{self as hooks, MAX_BODY_BYTES};
use app::server::webhooks::request_processing;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

/// The header carrying the hex HMAC-SHA256 of the body.
const SIGNATURE_HEADER: &str = "x-webhook-signature";

/// The Condo webhook route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/webhooks/condo/{token}", post(receive)).layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A wrong or unconfigured token answers 404 (as an unknown path would); a bad or missing
/// signature 401; a malformed body 400. Nothing is stored in those cases.
async fn receive(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let settings = state.sync.condo_webhook.as_ref().ok_or(AppError::NotFound)?;
    if !hooks::token_matches(&settings.token, &token) {
        return Err(AppError::NotFound);
    }
    let verification = match &settings.secret {
        None => "token",
        Some(secret) => {
            let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !hooks::signature_matches(secret, &body, signature) {
                tracing::warn!("Condo webhook refused: bad or missing signature");
                return Err(AppError::Unauthorized);
            }
            "token_and_signature"
        }
    };
    let events = hooks::parse_delivery(&body, verification).map_err(|e| AppError::Validation(e.to_string()))?;
    let stored = hooks::store_delivery(&state.pool, &events).await?;
    tracing::info!(accepted = stored.accepted, duplicates = stored.duplicates, "Condo webhook stored");
    if stored.accepted > 0 {
        // Stored first: if asking fails, the job's schedule still finds the events.
        request_processing(&state.pool, hooks::SOURCE).await;
    }
    Ok(Json(json!({ "accepted": stored.accepted, "duplicates": stored.duplicates })))
}
