//! `POST /api/webhooks/condo/{token}`: Condo's ticket webhooks. The token is checked before
//! the body is read; the delivery is then verified (signature when a secret is configured),
//! stored as deduplicated events and acknowledged at once; the `condo_webhooks` job, which
//! the delivery asks for, reads the tickets again from Condo and applies what Condo says
//! (see `app::server::webhooks::condo`).

use app::model::AppError;
use app::server::state::AppState;
use app::server::webhooks::condo::{self as hooks, MAX_BODY_BYTES};
use app::server::webhooks::request_processing;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

/// The header carrying the hex HMAC-SHA256 of `<timestamp>.<body>`.
const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// The header carrying the Unix time the delivery was signed at.
const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";

/// The Condo webhook route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/webhooks/condo/{token}", post(receive))
}

/// A wrong or unconfigured token answers 404 (as an unknown path would) without reading
/// the body; a body over 1 MiB 413; a bad or missing signature 401; a malformed body 400. Nothing is
/// stored in those cases.
async fn receive(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let settings = state.sync.condo_webhook.as_ref().ok_or(AppError::NotFound)?;
    if !hooks::token_matches(&settings.token, &token) {
        return Err(AppError::NotFound);
    }
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return Ok(too_large());
    };
    let verification = match &settings.secret {
        None => "token",
        Some(secret) => {
            let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
            let now = chrono::Utc::now().timestamp();
            if let Err(why) =
                hooks::verify_signature(secret, &body, header(SIGNATURE_HEADER), header(TIMESTAMP_HEADER), now)
            {
                tracing::warn!(%why, "Condo webhook refused");
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
    Ok(Json(json!({ "accepted": stored.accepted, "duplicates": stored.duplicates })).into_response())
}

/// 413, with a problem saying the limit.
fn too_large() -> Response {
    let detail = format!("a delivery is at most {MAX_BODY_BYTES} bytes");
    app::server::error::problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", &detail)
}
