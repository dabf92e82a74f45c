//! `GET /1.0/healthcheck`: the platform's health-check servlet (no auth), a map of checks that
//! answers 200 when all are healthy and 500 otherwise.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::killbill::state::AppState;

/// Names of the checks a Kill Bill 0.24 server registers.
const CHECKS: &[&str] = &[
    "main.pool.ConnectivityCheck",
    "org.killbill.billing.server.healthchecks.KillbillHealthcheck",
    "org.killbill.billing.server.healthchecks.KillbillPluginsHealthcheck",
    "org.killbill.billing.server.healthchecks.KillbillQueuesHealthcheck",
];

/// The healthcheck route.
pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/1.0/healthcheck", get(healthcheck))
}

async fn healthcheck(State(app): State<Arc<AppState>>) -> (StatusCode, Json<Value>) {
    let faults = app.faults.get();
    // A slow Kill Bill is slow to answer its healthcheck too (not counted as
    // a request: `fail_nth_request` counts API calls only).
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.latency_ms)).await;
    }
    let healthy = !faults.down;
    let check = if healthy {
        json!({ "healthy": true })
    } else {
        json!({ "healthy": false, "message": "Kill Bill is down (sandbox fault)" })
    };
    let body: serde_json::Map<String, Value> = CHECKS.iter().map(|name| (name.to_string(), check.clone())).collect();
    let status = if healthy { StatusCode::OK } else { StatusCode::INTERNAL_SERVER_ERROR };
    (status, Json(Value::Object(body)))
}
