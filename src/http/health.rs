//! `/api/health`, `/api/health/live` and `/api/health/ready`.

use app::api::integration::IntegrationHealth;
use app::server::state::AppState;
use app::server::store::sync_state::list_sync_states;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};
use std::time::Instant;

/// The health routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/health/live", get(live))
        .route("/api/health/ready", get(ready))
}

/// Overall status, the database's reachability and latency, and each platform's sync health.
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let started = Instant::now();
    let ping = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool).await;
    let latency_ms = (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    let mut body = Map::new();
    let mut platforms = match (&ping, list_sync_states(&state.pool).await) {
        (Ok(_), Ok(rows)) => platform_health(rows, &mut body),
        _ => Map::new(),
    };
    if ping.is_ok() {
        add_killbill_drift(&state.pool, &mut platforms).await;
        add_run_metrics(&state.pool, &mut platforms).await;
    }
    let reachable = ping.is_ok();
    body.insert("status".into(), json!(if reachable { "ok" } else { "unavailable" }));
    body.insert("database".into(), json!({ "reachable": reachable, "latency_ms": latency_ms }));
    body.insert("platforms".into(), Value::Object(platforms));
    let code = if reachable { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(Value::Object(body)))
}

/// Per-platform objects, plus the flat `<platform>_sync_ok` keys in `flat`.
fn platform_health(
    rows: Vec<app::server::store::sync_state::SyncStateRow>,
    flat: &mut Map<String, Value>,
) -> Map<String, Value> {
    let now = chrono::Utc::now();
    let mut platforms = Map::new();
    for status in rows.into_iter().filter_map(|r| r.into_status(now)) {
        let sync_ok = status.health == IntegrationHealth::Ok;
        flat.insert(format!("{}_sync_ok", status.platform.as_str()), json!(sync_ok));
        platforms.insert(
            status.platform.as_str().to_owned(),
            json!({
                "configured": status.health != IntegrationHealth::NotConfigured,
                "sync_ok": sync_ok,
                "state": status.health,
                "last_success_at": status.last_success_at,
                "last_error": status.last_error,
            }),
        );
    }
    platforms
}

/// Adds the latest Kill Bill reconciliation's drift counts as `platforms.killbill.drift`
/// (`null` before the first reconciliation).
async fn add_killbill_drift(pool: &sqlx::PgPool, platforms: &mut Map<String, Value>) {
    let Some(Value::Object(killbill)) = platforms.get_mut("killbill") else { return };
    let Ok(latest) = app::server::store::killbill_reconciliation::latest_drift_counts(pool).await else { return };
    let drift = latest.map_or(Value::Null, |(c, at)| {
        json!({ "missing": c.missing, "amount_mismatch": c.amount_mismatch,
                "status_mismatch": c.status_mismatch, "reconciled_at": at })
    });
    killbill.insert("drift".into(), drift);
}

/// Adds each platform's last run (duration and counts), next run and
/// failure streak to its object.
async fn add_run_metrics(pool: &sqlx::PgPool, platforms: &mut Map<String, Value>) {
    let rows = match app::server::store::integration_panel::list_panel_states(pool).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(error = %err, "health: could not read the last runs");
            return;
        }
    };
    for row in rows {
        let Some(Value::Object(platform)) = platforms.get_mut(&row.platform) else { continue };
        let duration_ms = row.last_started_at.zip(row.last_finished_at).map(|(s, f)| (f - s).num_milliseconds());
        let last_run = row.last_run_id.map(|id| {
            json!({
                "id": id,
                "status": row.last_status,
                "trigger": row.last_trigger,
                "started_at": row.last_started_at,
                "finished_at": row.last_finished_at,
                "duration_ms": duration_ms,
                "records_in": row.records_in,
                "records_out": row.records_out,
                "records_failed": row.records_failed,
                "records_skipped": row.records_skipped,
            })
        });
        platform.insert("last_run".into(), json!(last_run));
        platform.insert("next_run_at".into(), json!(row.next_run_at));
        platform.insert("paused".into(), json!(row.paused));
        platform.insert("consecutive_failures".into(), json!(row.consecutive_failures));
    }
}

/// The process is up.
async fn live() -> Json<Value> {
    Json(json!({ "status": "live" }))
}

/// Ready for traffic: the database answers and every migration is applied.
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match app::server::db::migrations_applied(&state.pool).await {
        Ok(true) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "migrations pending" }))),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database unreachable" }))),
    }
}
