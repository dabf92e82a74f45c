//! The sandbox-only control API under `/__sandbox` (real Kill Bill has nothing like it):
//! fault settings, notification settings, counters and per-account totals.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::killbill::faults::Faults;
use crate::killbill::notify::NotifyConfig;
use crate::killbill::state::AppState;
use crate::killbill::stats::RequestStats;
use crate::killbill::summary::{self, Summary};

/// Routes under `/__sandbox`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/faults", get(get_faults).put(put_faults))
        .route("/notify", get(get_notify).put(put_notify))
        .route("/stats", get(get_stats))
        .route("/stats/reset", post(reset_stats))
        .route("/summary", get(get_summary))
}

async fn get_faults(State(app): State<Arc<AppState>>) -> Json<Faults> {
    Json(app.faults.get())
}

/// Replaces every fault setting (missing fields mean "no fault"); 400 on a bad value.
async fn put_faults(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    let faults: Faults = match serde_json::from_slice(&body) {
        Ok(faults) => faults,
        Err(error) => return bad_request(error.to_string()),
    };
    match app.faults.set(faults) {
        Ok(()) => Json(app.faults.get()).into_response(),
        Err(error) => bad_request(error.to_string()),
    }
}

async fn get_notify(State(app): State<Arc<AppState>>) -> Json<NotifyConfig> {
    Json(app.notifier.config())
}

/// Replaces the push-notification settings; 400 on a bad value.
async fn put_notify(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    match serde_json::from_slice::<NotifyConfig>(&body) {
        Ok(config) if (0.0..=1.0).contains(&config.duplicate_rate) => {
            app.notifier.set_config(config);
            Json(app.notifier.config()).into_response()
        }
        Ok(config) => bad_request(format!("duplicate_rate must be between 0 and 1, got {}", config.duplicate_rate)),
        Err(error) => bad_request(error.to_string()),
    }
}

async fn get_stats(State(app): State<Arc<AppState>>) -> Json<RequestStats> {
    Json(app.request_stats())
}

async fn reset_stats(State(app): State<Arc<AppState>>) -> StatusCode {
    app.reset_stats();
    StatusCode::NO_CONTENT
}

async fn get_summary(State(app): State<Arc<AppState>>) -> Json<Summary> {
    Json(summary::build(&app.store()))
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": message }))).into_response()
}
