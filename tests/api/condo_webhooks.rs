//! Condo ticket webhooks end to end: the Condo emulator (or a hand-made delivery) POSTs to
//! the real server, which verifies, stores and deduplicates the deliveries, then reads each
//! ticket again from the emulator and applies what Condo says.

use app::server::adapters::condo::{CondoSettings, HttpCondoClient};
use app::server::seed::condo::link_demo_properties;
use app::server::seed::demo_id;
use app::server::webhooks::condo::FIELDS;
use sandbox::condo::{CondoConfig, Credentials, RunningCondo, TicketInfo, WebhookRequest, sign_webhook_delivery};
use serde_json::{Value, json};
use std::time::Duration;

use crate::helpers::{TestApp, spawn_app_with};

const TOKEN: &str = "test-webhook-token-0123456789abcdef";
const SECRET: &str = "test-webhook-signing-secret";

/// A seeded server with Condo and its webhooks configured, an emulator, and the demo
/// properties linked.
async fn setup() -> (TestApp, RunningCondo) {
    let condo = sandbox::condo::spawn(CondoConfig::default()).await.expect("the Condo emulator starts");
    let credentials = Credentials::default();
    let app = spawn_app_with(
        true,
        &[
            ("CONDO_WEBHOOK_TOKEN", TOKEN),
            ("CONDO_WEBHOOK_SECRET", SECRET),
            ("CONDO_URL", &condo.base_url()),
            ("CONDO_IDENTITY", &credentials.phone),
            ("CONDO_PASSWORD", &credentials.password),
        ],
    )
    .await;
    let client = HttpCondoClient::new(CondoSettings::new(&condo.base_url(), &credentials.phone, &credentials.password))
        .expect("client");
    let report = link_demo_properties(&app.pool, &client).await.expect("link the demo properties");
    assert_eq!(report.created, condo.handle().summary().properties.len());
    (app, condo)
}

fn url(app: &TestApp, token: &str) -> String {
    format!("{}/api/webhooks/condo/{token}", app.address)
}

/// POSTs `body` signed with `secret` (unsigned with `None`).
async fn post(app: &TestApp, token: &str, body: &str, secret: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(url(app, token)).header("Content-Type", "application/json").body(body.to_owned());
    if let Some(secret) = secret {
        let now = chrono::Utc::now().timestamp();
        request = request
            .header("X-Webhook-Timestamp", now.to_string())
            .header("X-Webhook-Signature", sign_webhook_delivery(secret, now, body.as_bytes()));
    }
    request.send().await.expect("request failed")
}

async fn stored_events(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM webhook_event").fetch_one(&app.pool).await.unwrap()
}

/// Waits until every stored event has been processed.
async fn processed(app: &TestApp) {
    for _ in 0..200 {
        let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_event WHERE processed_at IS NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("webhook events were not processed in time");
}

/// Live emulator tickets on the properties of `landlord`.
async fn tickets_of(app: &TestApp, condo: &RunningCondo, landlord: &str) -> Vec<TicketInfo> {
    let linked: Vec<String> = sqlx::query_scalar(
        "SELECT r.external_id FROM external_ref r JOIN property p ON p.id = r.local_id
         WHERE r.platform = 'condo' AND p.landlord_id = $1",
    )
    .bind(demo_id(landlord))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut tickets: Vec<TicketInfo> = condo
        .handle()
        .tickets()
        .into_iter()
        .filter(|t| t.deleted_at.is_none() && linked.contains(&t.property_id.to_string()))
        .collect();
    tickets.sort_by_key(|t| t.number);
    tickets
}

/// A delivery body as Condo shapes it with [`FIELDS`].
fn ticket_body(t: &TicketInfo, v: i64, status: &str, updated_at: &str) -> Value {
    json!({
        "id": t.id, "v": v, "number": t.number, "title": "Radiator is cold", "details": "Bedroom radiator",
        "status": { "id": "00000000-0000-4000-8000-000000000001", "type": status, "name": "whatever" },
        "priority": 300, "property": { "id": t.property_id, "address": "1 Test Street" },
        "unitName": t.unit_name, "unitType": "flat", "sectionName": null, "floorName": null,
        "isEmergency": true, "deadline": null, "createdAt": "2026-11-01T08:00:00.000Z",
        "updatedAt": updated_at, "deletedAt": null
    })
}

async fn ticket_row(app: &TestApp, condo_id: &uuid::Uuid) -> Option<(String, i32, Value)> {
    sqlx::query_as("SELECT status, source_version, status_history FROM maintenance_ticket WHERE external_id = $1")
        .bind(condo_id.to_string())
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_wrong_token_is_not_found_and_stores_nothing() {
    let (app, condo) = setup().await;
    let ticket = &tickets_of(&app, &condo, "landlord1@marketplace.test").await[0];
    let body = json!([ticket_body(ticket, 50, "processing", "2026-11-20T10:00:00.000Z")]).to_string();
    for token in ["wrong-token-0123456789abcdef0123", &TOKEN[..TOKEN.len() - 1], ""] {
        let response = post(&app, token, &body, Some(SECRET)).await;
        assert_eq!(response.status(), 404, "token {token:?}");
    }
    assert_eq!(stored_events(&app).await, 0);

    let unconfigured = spawn_app_with(true, &[]).await;
    assert_eq!(post(&unconfigured, TOKEN, &body, Some(SECRET)).await.status(), 404, "webhooks off without a token");
}

#[tokio::test]
async fn a_bad_missing_or_old_signature_is_refused_and_stores_nothing_of_it() {
    let (app, condo) = setup().await;
    let ticket = &tickets_of(&app, &condo, "landlord1@marketplace.test").await[0];
    let body = json!([ticket_body(ticket, 50, "processing", "2026-11-20T10:00:00.000Z")]).to_string();
    assert_eq!(post(&app, TOKEN, &body, None).await.status(), 401, "missing");
    assert_eq!(post(&app, TOKEN, &body, Some("another secret")).await.status(), 401, "wrong key");
    let signed = |at: i64, signed_body: &[u8]| {
        app.client
            .post(url(&app, TOKEN))
            .header("X-Webhook-Timestamp", at.to_string())
            .header("X-Webhook-Signature", sign_webhook_delivery(SECRET, at, signed_body))
            .body(body.clone())
            .send()
    };
    let now = chrono::Utc::now().timestamp();
    assert_eq!(signed(now, b"[]").await.unwrap().status(), 401, "a signature of another body");
    assert_eq!(signed(now - 600, body.as_bytes()).await.unwrap().status(), 401, "signed 10 minutes ago: a replay");
    assert_eq!(signed(now + 600, body.as_bytes()).await.unwrap().status(), 401, "signed in the future");
    assert_eq!(signed(now - 30, body.as_bytes()).await.unwrap().status(), 200, "a little clock skew is fine");
    assert_eq!(stored_events(&app).await, 1, "only the well-signed one");
}

#[tokio::test]
async fn a_malformed_body_is_a_400_and_stores_nothing() {
    let (app, condo) = setup().await;
    let ticket = &tickets_of(&app, &condo, "landlord1@marketplace.test").await[0];
    let one = ticket_body(ticket, 50, "processing", "2026-11-20T10:00:00.000Z");
    let too_many = Value::Array(vec![one.clone(); 101]).to_string();
    let mut no_version = one.clone();
    no_version.as_object_mut().unwrap().remove("v");
    for body in [
        "{not json".to_owned(),
        one.to_string(),
        too_many,
        json!([no_version]).to_string(),
        json!([one, 7]).to_string(),
    ] {
        let response = post(&app, TOKEN, &body, Some(SECRET)).await;
        assert_eq!(response.status(), 400, "{}", &body[..body.len().min(60)]);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "validation");
    }
    let huge = format!("[{}]", "x".repeat(2 * 1024 * 1024));
    assert_eq!(post(&app, TOKEN, &huge, Some(SECRET)).await.status(), 413, "the body limit");
    assert_eq!(post(&app, "wrong-token-0123456789abcdef0123", &huge, None).await.status(), 404, "token first");
    assert_eq!(stored_events(&app).await, 0);
}

#[tokio::test]
async fn a_delivery_from_condo_is_processed_once_and_visible_to_its_landlord_only() {
    let (app, condo) = setup().await;
    let mine = tickets_of(&app, &condo, "landlord1@marketplace.test").await;
    let edited = condo
        .handle()
        .edit_ticket(
            mine[0].id,
            &sandbox::condo::TicketEdit {
                status: Some("completed".into()),
                title: Some(Some("Broken boiler".into())),
                ..Default::default()
            },
        )
        .unwrap();
    let request = WebhookRequest {
        url: url(&app, TOKEN),
        ticket_ids: vec![mine[0].id, mine[1].id],
        fields: Some(FIELDS.into()),
        secret: Some(SECRET.into()),
        ..Default::default()
    };
    let report = condo.handle().deliver_webhook(&request).await.unwrap();
    assert_eq!((report.delivered, report.posts[0].status), (2, Some(200)));
    processed(&app).await;

    let again = condo.handle().deliver_webhook(&request).await.unwrap();
    assert_eq!(again.delivered, 2, "a duplicate is acknowledged");
    processed(&app).await;
    let events: Vec<(i32, Option<String>)> =
        sqlx::query_as("SELECT attempts, outcome FROM webhook_event ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert_eq!(events, vec![(1, Some("applied".into())); 2], "stored and processed once each");
    let (status, version, history) = ticket_row(&app, &mine[0].id).await.unwrap();
    assert_eq!((status.as_str(), i64::from(version)), ("completed", edited.v));
    assert_eq!(history.as_array().unwrap().len(), 1);

    let landlord = app.token_of("landlord1@marketplace.test").await;
    let list: Value = app.get_as(&landlord, "/api/maintenance?status=completed").await.json().await.unwrap();
    let found = list["items"].as_array().unwrap().iter().find(|t| t["title"] == "Broken boiler").cloned();
    let found = found.expect("the delivered ticket is listed");
    assert_eq!(found["number"], edited.number);
    let detail = app
        .get_as(&landlord, found["url"].as_str().unwrap().replace("/maintenance", "/api/maintenance").as_str())
        .await;
    assert_eq!(detail.status(), 200);
    let other = crate::maintenance::landlord_token(&app, 2).await;
    let theirs: Value = app.get_as(&other, "/api/maintenance?per_page=100").await.json().await.unwrap();
    assert!(theirs["items"].as_array().unwrap().iter().all(|t| t["title"] != "Broken boiler"));
}

#[tokio::test]
async fn a_forged_delivery_changes_nothing_and_the_ticket_keeps_following_condo() {
    let (app, condo) = setup().await;
    let ticket = tickets_of(&app, &condo, "landlord1@marketplace.test").await[0].clone();
    // Whoever learnt the token claims the newest version there could ever be, closed.
    let mut forged = ticket_body(&ticket, 2_147_483_647, "closed", "2030-01-01T00:00:00.000Z");
    forged["title"] = json!("Pay to this account");
    assert_eq!(post(&app, TOKEN, &json!([forged]).to_string(), Some(SECRET)).await.status(), 200);
    processed(&app).await;
    let (status, version, _) = ticket_row(&app, &ticket.id).await.expect("read from Condo");
    assert_eq!(
        (status.as_str(), i64::from(version)),
        (ticket.status_type.as_str(), ticket.v),
        "Condo's, not the body's"
    );
    let title: String = sqlx::query_scalar("SELECT title FROM maintenance_ticket WHERE external_id = $1")
        .bind(ticket.id.to_string())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(title, "Pay to this account");

    // A real change in Condo still comes through: the forged version froze nothing.
    let edited = condo
        .handle()
        .edit_ticket(ticket.id, &sandbox::condo::TicketEdit { status: Some("completed".into()), ..Default::default() })
        .unwrap();
    let request = WebhookRequest {
        url: url(&app, TOKEN),
        ticket_ids: vec![ticket.id],
        fields: Some(FIELDS.into()),
        secret: Some(SECRET.into()),
        ..Default::default()
    };
    assert_eq!(condo.handle().deliver_webhook(&request).await.unwrap().delivered, 1);
    processed(&app).await;
    let (status, version, history) = ticket_row(&app, &ticket.id).await.unwrap();
    assert_eq!((status.as_str(), i64::from(version)), ("completed", edited.v));
    let statuses: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.last(), Some(&"completed"));

    // An old hint arriving late reads the same current ticket: nothing changes.
    let late = ticket_body(&ticket, ticket.v - 1, "processing", "2026-11-20T10:00:00.000Z");
    assert_eq!(post(&app, TOKEN, &json!([late]).to_string(), Some(SECRET)).await.status(), 200);
    processed(&app).await;
    assert_eq!(ticket_row(&app, &ticket.id).await.unwrap().0, "completed");
    let outcomes: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM webhook_event ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert_eq!(outcomes, ["applied", "applied", "stale"]);
}

#[tokio::test]
async fn a_ticket_condo_does_not_show_is_recorded_as_absent_and_not_written() {
    let (app, condo) = setup().await;
    let mut ticket = tickets_of(&app, &condo, "landlord1@marketplace.test").await[0].clone();
    ticket.id = uuid::Uuid::new_v4();
    let body = json!([ticket_body(&ticket, 3, "processing", "2026-11-20T10:00:00.000Z")]).to_string();
    assert_eq!(post(&app, TOKEN, &body, Some(SECRET)).await.status(), 200);
    processed(&app).await;
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM webhook_event").fetch_one(&app.pool).await.unwrap();
    assert_eq!(outcome, "absent");
    assert!(ticket_row(&app, &ticket.id).await.is_none());
}

#[tokio::test]
async fn while_condo_is_down_a_delivery_waits_and_writes_nothing() {
    let (app, condo) = setup().await;
    let ticket = tickets_of(&app, &condo, "landlord1@marketplace.test").await[0].clone();
    condo.handle().set_faults(sandbox::condo::Faults { down: true, ..Default::default() });
    let body = json!([ticket_body(&ticket, ticket.v, "closed", "2026-11-20T10:00:00.000Z")]).to_string();
    assert_eq!(post(&app, TOKEN, &body, Some(SECRET)).await.status(), 200, "acknowledged: it is stored");
    let mut waiting = None;
    for _ in 0..300 {
        waiting = sqlx::query_as::<_, (i32, Option<String>)>(
            "SELECT attempts, error FROM webhook_event WHERE processed_at IS NULL AND error IS NOT NULL",
        )
        .fetch_optional(&app.pool)
        .await
        .unwrap();
        if waiting.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (attempts, error) = waiting.expect("the event waits with the reason");
    assert_eq!(attempts, 1);
    assert!(error.unwrap_or_default().starts_with("condo:"));
    assert!(ticket_row(&app, &ticket.id).await.is_none(), "nothing written from the body");
}

#[tokio::test]
async fn outside_demo_mode_a_token_without_a_secret_needs_an_explicit_yes() {
    let env = [("CONDO_WEBHOOK_TOKEN", TOKEN)];
    let config = |extra: &[(&str, &str)]| {
        let mut vars: Vec<(String, String)> =
            env.iter().chain(extra).map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        vars.push(("DATABASE_URL".into(), "postgres://nobody@127.0.0.1:1/none".into()));
        marketplace::config::Config::from_lookup(|key| vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
            .unwrap()
    };
    let error = marketplace::startup::Application::build(config(&[])).await.err().expect("refused");
    assert!(error.to_string().contains("CONDO_WEBHOOK_SECRET"), "{error:#}");
    // With the explicit yes (or a secret), the check passes and the start goes on (to the database here).
    let error = marketplace::startup::Application::build(config(&[("CONDO_WEBHOOK_ALLOW_UNSIGNED", "true")]))
        .await
        .err()
        .expect("no database there");
    assert!(!error.to_string().contains("CONDO_WEBHOOK_SECRET"), "{error:#}");
}

#[tokio::test]
async fn a_ticket_of_an_unlinked_property_is_recorded_but_not_imported() {
    let (app, condo) = setup().await;
    let ticket = tickets_of(&app, &condo, "landlord1@marketplace.test").await[0].clone();
    sqlx::query("DELETE FROM external_ref WHERE platform = 'condo' AND external_id = $1")
        .bind(ticket.property_id.to_string())
        .execute(&app.pool)
        .await
        .unwrap();
    let body = json!([ticket_body(&ticket, 7, "processing", "2026-11-20T10:00:00.000Z")]).to_string();
    assert_eq!(post(&app, TOKEN, &body, Some(SECRET)).await.status(), 200);
    processed(&app).await;
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM webhook_event").fetch_one(&app.pool).await.unwrap();
    assert_eq!(outcome, "unlinked");
    assert!(ticket_row(&app, &ticket.id).await.is_none());
}

#[tokio::test]
async fn link_demo_is_idempotent_and_spreads_condo_over_several_landlords() {
    let (app, condo) = setup().await;
    let credentials = Credentials::default();
    let client = HttpCondoClient::new(CondoSettings::new(&condo.base_url(), &credentials.phone, &credentials.password))
        .expect("client");
    let again = link_demo_properties(&app.pool, &client).await.unwrap();
    assert_eq!((again.created, again.existing, again.conflicts.len()), (0, 12, 0));
    let landlords: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT p.landlord_id) FROM external_ref r JOIN property p ON p.id = r.local_id
         WHERE r.platform = 'condo'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(landlords >= 2, "{landlords}");
    let links = app::server::store::condo_import::list_condo_property_link_details(&app.pool).await.unwrap();
    assert_eq!(links.len(), 12);
    let first = &links[0].condo_property_id;
    assert!(app::server::store::condo_import::unlink_condo_property(&app.pool, first).await.unwrap());
    assert!(!app::server::store::condo_import::unlink_condo_property(&app.pool, first).await.unwrap());
    let relinked = link_demo_properties(&app.pool, &client).await.unwrap();
    assert_eq!((relinked.created, relinked.existing), (1, 11), "the same pairs again");
}
