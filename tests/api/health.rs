//! `/api/health` and its liveness and readiness siblings.

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_the_database_and_every_platform_not_yet_synced() {
    let app = spawn_app(false).await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["reachable"], true);
    assert!(body["database"]["latency_ms"].as_f64().unwrap() >= 0.0);
    for platform in ["killbill", "condo", "cocorico"] {
        assert_eq!(body[format!("{platform}_sync_ok")], false, "{platform}");
        let detail = &body["platforms"][platform];
        assert_eq!(detail["configured"], false);
        assert_eq!(detail["sync_ok"], false);
        assert!(detail["last_success_at"].is_null());
    }
}

#[tokio::test]
async fn readiness_follows_the_database_and_liveness_does_not() {
    let app = spawn_app(false).await;
    assert_eq!(app.get("/api/health/live").await.status(), 200);
    assert_eq!(app.get("/api/health/ready").await.status(), 200);
    sqlx::query("DELETE FROM _sqlx_migrations").execute(&app.pool).await.unwrap();
    let response = app.get("/api/health/ready").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "migrations pending");
    assert_eq!(app.get("/api/health/live").await.status(), 200);
}
