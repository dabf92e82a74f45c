//! The admin panel's server side: admins only, the cards with their run
//! counts and history charts, webhook replay, Condo property links and the
//! upstream checks, through the real server.

use app::domain::Job;
use app::server::seed::demo_id;
use app::server::store::sync_run::{RunCounts, RunOutcome, finish_run, start_run};
use serde_json::Value;
use std::time::Duration;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::scoping::browser_session;

/// Calls a server function (a form-encoded POST) with a Bearer token.
async fn call(app: &TestApp, token: &str, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(format!("{}/api/{endpoint}", app.address))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .expect("request failed")
}

/// Inserts a webhook event that failed ten times and gave up.
async fn given_up_event(app: &TestApp, source: &str, payload: Value) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO webhook_event (source, dedupe_key, verification, payload, attempts, error)
         VALUES ($1, 'key-' || gen_random_uuid(), 'token', $2, 10, 'could not be applied') RETURNING id",
    )
    .bind(source)
    .bind(payload)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_panels_server_functions_refuse_everyone_but_admins() {
    let app = spawn_app(true).await;
    let event = given_up_event(&app, "killbill", serde_json::json!({ "eventType": "INVOICE_CREATION" })).await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let id = event.to_string();
    for token in [&tenant, &landlord] {
        for (endpoint, form) in [
            ("admin/system-status", vec![]),
            ("admin/upstream-checks", vec![]),
            ("admin/condo-links", vec![]),
            ("admin/webhooks/replay", vec![("id", id.as_str())]),
        ] {
            let response = call(&app, token, endpoint, &form).await;
            assert!(!response.status().is_success(), "{endpoint}: {}", response.status());
            assert!(response.text().await.unwrap().contains("Forbidden"), "{endpoint}");
        }
    }
    let anonymous = app.client.post(format!("{}/api/admin/system-status", app.address)).send().await.unwrap();
    assert!(anonymous.text().await.unwrap().contains("Unauthorized"));
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM webhook_event WHERE id = $1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 10, "a refused replay changes nothing");
}

#[tokio::test]
async fn an_admin_sees_every_card_with_its_last_run_and_a_chart_that_marks_failures() {
    let app = spawn_app(true).await;
    let ok = start_run(&app.pool, Job::KillbillMirror, "schedule").await.unwrap();
    let counts = RunCounts { records_in: 120, records_out: 118, records_failed: 0, records_skipped: 2 };
    finish_run(&mut app.pool.acquire().await.unwrap(), ok, counts, None, &RunOutcome::Succeeded, None).await.unwrap();
    let failed = start_run(&app.pool, Job::KillbillMirror, "manual").await.unwrap();
    let outcome = RunOutcome::Failed {
        error: "Kill Bill did not answer".into(),
        detail: "healthcheck: Kill Bill answered 503: down <for maintenance>".into(),
    };
    let counts = RunCounts { records_in: 7, records_out: 3, records_failed: 4, records_skipped: 0 };
    finish_run(&mut app.pool.acquire().await.unwrap(), failed, counts, None, &outcome, None).await.unwrap();

    let admin = browser_session(&app, "admin@marketplace.test").await;
    let page = admin.get(format!("{}/admin/system-status", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for platform in ["killbill", "condo", "cocorico"] {
        assert_eq!(html.matches(&format!("data-platform=\"{platform}\"")).count(), 1, "{platform}");
        assert!(
            html.contains(&format!("<title id=\"history-{platform}-title\">")),
            "every card has an accessible chart"
        );
    }
    assert!(html.contains(r#"aria-labelledby="history-killbill-title history-killbill-desc""#));
    assert_eq!(html.matches(r#"data-status="failed""#).count(), 1, "the failed run is marked");
    assert_eq!(html.matches(r#"class="failure-mark""#).count(), 1, "crossed once");
    assert_eq!(html.matches(r#"data-status="succeeded""#).count(), 1);
    assert!(html.contains("2 runs from") && html.contains(". 1 failed."), "the description says it in words");
    assert!(html.contains("Kill Bill did not answer"), "the plain message");
    assert!(html.contains("Technical detail") && html.contains("down &lt;for maintenance&gt;"), "detail, escaped");
    assert!(html.contains("No runs yet"), "Condo and Cocorico have no runs");
    assert!(html.contains(r#"data-testid="upstream-checks""#) && html.contains(r#"data-check="ours""#));
    assert!(html.contains(r#"data-testid="webhook-inbox""#) && html.contains(r#"data-testid="property-links""#));

    let token = app.token_of("admin@marketplace.test").await;
    let status: Value = call(&app, &token, "admin/system-status", &[]).await.json().await.unwrap();
    let kb = &status["cards"][0];
    assert_eq!(kb["platform"], "killbill");
    assert_eq!(kb["health"], "not_configured", "no settings in this test server");
    assert_eq!(kb["last_run"]["records_failed"], 4);
    assert_eq!(kb["error"]["message"], "Kill Bill did not answer");
    assert_eq!(status["reconciliation"]["state"], "not_configured");
    assert_eq!(status["jobs"][0]["job"], "billing", "the rent run has its line: {}", status["jobs"]);
    assert_eq!(status["jobs"][0]["schedule"], "off", "the tests schedule nothing");
    assert!(html.contains(r#"data-job="billing""#) && html.contains("Our own jobs"));
}

#[tokio::test]
async fn a_replayed_event_is_back_in_the_queue_and_processed_again() {
    // Condo's webhooks are configured (so their job runs); Kill Bill is not.
    let app = spawn_app_with(
        true,
        &[("CONDO_WEBHOOK_TOKEN", "replay-test-token-0123456789abcdef"), ("CONDO_WEBHOOK_ALLOW_UNSIGNED", "true")],
    )
    .await;
    let token = app.token_of("admin@marketplace.test").await;
    // Kill Bill is not configured here, so nothing processes this one: it stays reset.
    let kb_event = given_up_event(&app, "killbill", serde_json::json!({ "eventType": "INVOICE_CREATION" })).await;
    let response = call(&app, &token, "admin/webhooks/replay", &[("id", &kb_event.to_string())]).await;
    assert!(response.status().is_success(), "{}", response.status());
    let row: (Option<chrono::DateTime<chrono::Utc>>, i32, Option<String>) =
        sqlx::query_as("SELECT processed_at, attempts, error FROM webhook_event WHERE id = $1")
            .bind(kb_event)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(row, (None, 0, None));

    // A Condo event is processed again at once, and ends with an outcome.
    let condo_event = given_up_event(&app, "condo", serde_json::json!({ "not": "a ticket" })).await;
    call(&app, &token, "admin/webhooks/replay", &[("id", &condo_event.to_string())]).await;
    let mut attempts = 10;
    for _ in 0..100 {
        attempts = sqlx::query_scalar("SELECT attempts FROM webhook_event WHERE id = $1")
            .bind(condo_event)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if attempts == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(attempts, 1, "claimed once more after the replay");
    let mut runs: Vec<(String, String)> = Vec::new();
    for _ in 0..100 {
        runs = sqlx::query_as("SELECT trigger, status FROM sync_run WHERE job = 'condo_webhooks'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
        if runs.iter().any(|(_, status)| status != "running") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(runs, vec![("webhook".to_owned(), "succeeded".to_owned())], "one run of the webhook job");

    let missing = call(&app, &token, "admin/webhooks/replay", &[("id", "999999")]).await;
    assert!(missing.text().await.unwrap().contains("NotFound"));

    // Without JavaScript the form posts and the browser comes back to the panel.
    let admin = browser_session(&app, "admin@marketplace.test").await;
    let panel = format!("{}/admin/system-status", app.address);
    let form = admin
        .post(format!("{}/api/admin/webhooks/replay", app.address))
        .header("Origin", &app.address)
        .header("Referer", &panel)
        .header("Accept", "text/html")
        .form(&[("id", kb_event.to_string())])
        .send()
        .await
        .unwrap();
    assert!(form.status().is_redirection(), "{}", form.status());
    let location = form.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(&panel), "{location}");
}

#[tokio::test]
async fn an_admin_links_a_property_to_condo_and_removes_the_link() {
    let app = spawn_app(true).await;
    let token = app.token_of("admin@marketplace.test").await;
    let property: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM property WHERE landlord_id = $1 ORDER BY name LIMIT 1")
            .bind(demo_id("landlord1@marketplace.test"))
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let condo_id = "9d1e5f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6";
    sqlx::query("UPDATE sync_state SET watermark = '2026-11-01T00:00:00Z|7' WHERE job = 'condo'")
        .execute(&app.pool)
        .await
        .unwrap();
    let before: Value = call(&app, &token, "admin/condo-links", &[]).await.json().await.unwrap();
    assert_eq!(before["links"].as_array().unwrap().len(), 0);
    let choices = before["unlinked"].as_array().unwrap().len();

    let pid = property.to_string();
    let added =
        call(&app, &token, "admin/condo-links/add", &[("property_id", &pid), ("condo_property_id", condo_id)]).await;
    assert!(added.status().is_success(), "{}", added.text().await.unwrap());
    let after: Value = call(&app, &token, "admin/condo-links", &[]).await.json().await.unwrap();
    assert_eq!(after["links"][0]["condo_property_id"], condo_id);
    assert_eq!(after["links"][0]["property_id"], pid);
    assert_eq!(after["unlinked"].as_array().unwrap().len(), choices - 1);
    let watermark: Option<String> =
        sqlx::query_scalar("SELECT watermark FROM sync_state WHERE job = 'condo'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(watermark, None, "the next run re-reads every ticket");

    let other: uuid::Uuid = sqlx::query_scalar("SELECT id FROM property WHERE id <> $1 LIMIT 1")
        .bind(property)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let taken = call(
        &app,
        &token,
        "admin/condo-links/add",
        &[("property_id", &other.to_string()), ("condo_property_id", condo_id)],
    )
    .await;
    assert!(taken.text().await.unwrap().contains("already linked"));
    let bad =
        call(&app, &token, "admin/condo-links/add", &[("property_id", &pid), ("condo_property_id", "Main St")]).await;
    assert!(bad.text().await.unwrap().contains("UUID"));
    let nobody = uuid::Uuid::new_v4().to_string();
    let unknown =
        call(&app, &token, "admin/condo-links/add", &[("property_id", &nobody), ("condo_property_id", condo_id)]).await;
    assert!(unknown.text().await.unwrap().contains("Choose one of our properties"));

    let removed = call(&app, &token, "admin/condo-links/remove", &[("condo_property_id", condo_id)]).await;
    assert!(removed.status().is_success());
    let gone: Value = call(&app, &token, "admin/condo-links", &[]).await.json().await.unwrap();
    assert_eq!(gone["links"].as_array().unwrap().len(), 0);
    let again = call(&app, &token, "admin/condo-links/remove", &[("condo_property_id", condo_id)]).await;
    assert!(again.text().await.unwrap().contains("NotFound"));
}

#[tokio::test]
async fn the_upstream_checks_put_our_database_next_to_each_platform() {
    let app = spawn_app(true).await;
    let token = app.token_of("admin@marketplace.test").await;
    let checks: Vec<Value> = call(&app, &token, "admin/upstream-checks", &[]).await.json().await.unwrap();
    assert_eq!(checks.len(), 4);
    assert_eq!(checks[0]["target"], "ours");
    assert_eq!(checks[0]["state"], "up");
    for (check, platform) in checks[1..].iter().zip(["killbill", "condo", "cocorico"]) {
        assert_eq!(check["target"]["upstream"], platform);
        assert_eq!(check["state"], "not_configured");
    }
}
