//! `/api/health` and its liveness and readiness siblings.

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_the_database_and_every_platform_not_yet_synced() {
    let app = spawn_app(false).await;
    let response = app.get_as_operator("/api/health").await;
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
async fn the_public_health_says_only_the_status_and_the_sync_flags() {
    let app = spawn_app(true).await;
    let body: serde_json::Value = app.get("/api/health").await.json().await.unwrap();
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cocorico_sync_ok", "condo_sync_ok", "killbill_sync_ok", "status"], "{body}");
    let forged = app.get_as("a-guess-of-the-token-that-is-long-enough", "/api/health").await;
    assert!(forged.json::<serde_json::Value>().await.unwrap().get("platforms").is_none(), "a wrong token sees no more");
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let body: serde_json::Value = app.get_as(&tenant, "/api/health").await.json().await.unwrap();
    assert!(body.get("database").is_none(), "a tenant sees the public summary");
    let admin = app.token_of("admin@marketplace.test").await;
    let body: serde_json::Value = app.get_as(&admin, "/api/health").await.json().await.unwrap();
    assert!(body["platforms"]["killbill"].is_object(), "an admin sees the details: {body}");

    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status(), 401);
    assert_eq!(metrics.headers()["www-authenticate"], "Bearer");
    assert_eq!(app.get_as(&tenant, "/metrics").await.status(), 401);
    let scraped = app.get_as_operator("/metrics").await;
    assert_eq!(scraped.status(), 200);
    assert!(scraped.text().await.unwrap().contains("marketplace_metrics_database_up 1"));
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
