//! `/api/health` (a public summary, and the details for the operator),
//! `/api/health/live` and `/api/health/ready`.

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

/// For everyone: the overall status and each platform's `<platform>_sync_ok`
/// flag. For the operator (see [`super::operator`]): the database's
/// reachability and latency and each platform's sync health, errors included.
async fn report(State(state): State<AppState>, parts: axum::http::request::Parts) -> (StatusCode, Json<Value>) {
    let report: HealthReport = health::report(&state.pool, &state.schedules).await;
    let code = if report.database.reachable { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    if super::operator::is_operator(&parts, &state) {
        return (code, Json(serde_json::to_value(&report).unwrap_or_default()));
    }
    let mut public = serde_json::Map::new();
    public.insert("status".into(), Value::from(report.status));
    for (flag, ok) in report.sync_ok {
        public.insert(flag, Value::from(ok));
    }
    (code, Json(Value::Object(public)))
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
