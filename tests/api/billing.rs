//! `POST /api/manage/billing/run`: admins bill a month on request; everyone
//! else is refused, and bad input gets a 400 naming what is wrong.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn run(app: &TestApp, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/api/manage/billing/run", app.address))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_admin_bills_a_month_once_and_others_are_refused() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let body = json!({ "period": "2026-12" }).to_string();

    assert_eq!(run(&app, None, &body).await.0, 401);
    assert_eq!(run(&app, Some(&landlord), &body).await.0, 403);
    assert_eq!(run(&app, Some(&tenant), &body).await.0, 403);
    let invoices = async || -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM invoice WHERE period_start = '2026-12-01'")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(invoices().await, 0, "refusals write nothing");

    let (status, first) = run(&app, Some(&admin), &body).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["period"], "2026-12");
    let created = first["created"].as_i64().unwrap();
    assert!(created > 0 && first["skipped"] == 0, "{first}");
    assert_eq!(invoices().await, created);
    let (_, again) = run(&app, Some(&admin), &body).await;
    assert_eq!((again["created"].as_i64(), again["skipped"].as_i64()), (Some(0), Some(created)), "{again}");

    let (status, body) = run(&app, Some(&admin), &json!({ "period": "2026-13" }).to_string()).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("period"), "{body}");
    let (status, body) = run(&app, Some(&admin), "{\"period\": ").await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = run(&app, Some(&admin), &json!({ "month": "2026-12" }).to_string()).await;
    assert_eq!(status, 400, "a missing field is a 400");
    // The admin's runs are in the audit log under their id.
    let actors: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'billing.run' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actors.len(), 2);
    assert!(actors.iter().all(|a| a.starts_with("admin ")), "{actors:?}");
}
