//! `/api/health`, `/api/health/live` and `/api/health/ready`.

use app::model::health::HealthReport;
use app::server::health::{self, Readiness};
use app::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

/// The health routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(report))
        .route("/api/health/live", get(live))
        .route("/api/health/ready", get(ready))
}

/// Overall status, the database's reachability and latency, and each platform's sync health.
async fn report(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    let report = health::report(&state.pool, &state.schedules).await;
    let code = if report.database.reachable { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(report))
}

/// The process is up.
async fn live() -> Json<Value> {
    Json(json!({ "status": "live" }))
}

/// Ready for traffic: the database answers and every migration is applied.
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match health::readiness(&state.pool).await {
        Readiness::Ready => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Readiness::MigrationsPending => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "migrations pending" })))
        }
        Readiness::DatabaseUnreachable => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database unreachable" })))
        }
    }
}
