//! The back office as JSON, end to end: a landlord adds a property and a
//! unit, lets it to an invited tenant, the rent run bills the lease
//! pro-rated, a payment is recorded, the lease ends; each refusal answers
//! the right status and names the field; and the scoping matrix (anonymous,
//! tenant, landlord A, landlord B, admin) holds on every route.

use app::domain::prorate;
use app::server::seed::demo_id;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let mut request = app.client.post(format!("{}{path}", app.address)).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn field_of(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default().split(':').next().unwrap_or_default()
}

#[tokio::test]
async fn a_landlord_lets_a_new_unit_and_the_month_is_billed_and_paid() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let a = app.token_of("landlord1@marketplace.test").await;
    let b = app.token_of_seeded("landlord2@marketplace.test").await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let landlord_a = demo_id("landlord1@marketplace.test").to_string();
    let landlord_b = demo_id("landlord2@marketplace.test").to_string();
    let place = |landlord: Option<&str>| {
        json!({ "name": "Quai Building", "address_line": "3 Quai Saint-Vincent", "city": "Lyon",
                "postal_code": "69001", "country": "fr", "landlord_id": landlord })
    };

    // Properties.
    assert_eq!(post(&app, None, "/api/manage/properties", place(None)).await.0, 401);
    assert_eq!(post(&app, Some(&tenant), "/api/manage/properties", place(None)).await.0, 403);
    assert_eq!(post(&app, Some(&a), "/api/manage/properties", place(Some(&landlord_b))).await.0, 403);
    let (status, body) = post(&app, Some(&admin), "/api/manage/properties", place(None)).await;
    assert_eq!((status, field_of(&body)), (400, "landlord_id"), "an admin says whose");
    let mut bad = place(None);
    bad["country"] = json!("France");
    let (status, body) = post(&app, Some(&a), "/api/manage/properties", bad).await;
    assert_eq!((status, field_of(&body)), (400, "country"));
    let (status, created) = post(&app, Some(&a), "/api/manage/properties", place(None)).await;
    assert_eq!(status, 201, "{created}");
    let property = created["id"].as_str().unwrap().to_owned();
    let (status, _) = post(&app, Some(&admin), "/api/manage/properties", place(Some(&landlord_b))).await;
    assert_eq!(status, 201, "an admin creates one for a landlord");

    // Units.
    let units = format!("/api/manage/properties/{property}/units");
    let (status, created) = post(&app, Some(&a), &units, json!({ "label": "L-1", "bedrooms": 2 })).await;
    assert_eq!(status, 201, "{created}");
    let unit = created["id"].as_str().unwrap().to_owned();
    assert_eq!(post(&app, Some(&a), &units, json!({ "label": "L-1" })).await.0, 409, "one label per property");
    assert_eq!(post(&app, Some(&b), &units, json!({ "label": "L-2" })).await.0, 404, "not B's property");
    let (status, body) = post(&app, Some(&a), &units, json!({ "label": "L-3", "bedrooms": -1 })).await;
    assert_eq!((status, field_of(&body)), (400, "bedrooms"));

    // An invited tenant, and a lease for them.
    let (_, invited) =
        post(&app, Some(&admin), "/api/manage/users", json!({ "email": "tess@example.com", "role": "tenant" })).await;
    let new_tenant = invited["id"].as_str().unwrap().to_owned();
    let lease = |start: &str| {
        json!({ "unit_id": unit, "tenant_id": new_tenant, "start_on": start, "rent_minor": 90000,
                "currency": "EUR", "due_day": 5 })
    };
    assert_eq!(post(&app, Some(&b), "/api/manage/leases", lease("2026-12-16")).await.0, 404, "not B's unit");
    assert_eq!(post(&app, Some(&tenant), "/api/manage/leases", lease("2026-12-16")).await.0, 403);
    for (change, field) in [
        (json!({ "currency": "EURO" }), "currency"),
        (json!({ "start_on": "16/12/2026" }), "start_on"),
        (json!({ "end_on": "2026-12-01" }), "end_on"),
        (json!({ "rent_minor": -5 }), "rent_minor"),
        (json!({ "due_day": 31 }), "due_day"),
        (json!({ "tenant_id": landlord_a }), "tenant_id"),
    ] {
        let mut body = lease("2026-12-16");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = post(&app, Some(&a), "/api/manage/leases", body).await;
        assert_eq!((status, field_of(&answer)), (400, field), "{answer}");
    }
    let (status, created) = post(&app, Some(&a), "/api/manage/leases", lease("2026-12-16")).await;
    assert_eq!(status, 201, "{created}");
    let lease_id = created["id"].as_str().unwrap().to_owned();
    let (status, body) = post(&app, Some(&a), "/api/manage/leases", lease("2027-03-01")).await;
    assert_eq!((status, field_of(&body)), (409, "unit_id"), "one lease per unit at a time");

    // The rent run bills it for its 16 days of December; a payment follows.
    assert_eq!(post(&app, Some(&admin), "/api/manage/billing/run", json!({ "period": "2026-12" })).await.0, 200);
    let invoices = format!("/api/manage/invoices?tenant_id={new_tenant}&period=2026-12");
    let listed: Vec<Value> = app.get_as(&a, &invoices).await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["total_minor"], prorate(90_000, 16, 31));
    assert_eq!((&listed[0]["state"], &listed[0]["due_on"]), (&json!("open"), &json!("2026-12-16")));
    let invoice = listed[0]["id"].as_str().unwrap().to_owned();
    let payment =
        json!({ "amount_minor": 10000, "received_on": "2026-12-02", "method": "bank_transfer", "reference": "T-1" });
    assert_eq!(post(&app, Some(&a), &format!("/api/manage/invoices/{invoice}/payments"), payment).await.0, 201);
    let listed: Vec<Value> = app.get_as(&a, &invoices).await.json().await.unwrap();
    assert_eq!(listed[0]["state"], "partly_paid");
    let seen_by_b: Vec<Value> = app.get_as(&b, &invoices).await.json().await.unwrap();
    assert!(seen_by_b.is_empty(), "B sees none of A's invoices");

    // Ending the lease.
    let end = format!("/api/manage/leases/{lease_id}/end");
    let (status, body) = post(&app, Some(&a), &end, json!({ "end_on": "2026-12-01" })).await;
    assert_eq!((status, field_of(&body)), (400, "end_on"), "before its first day");
    assert_eq!(post(&app, Some(&b), &end, json!({ "end_on": "2027-01-31" })).await.0, 404);
    assert_eq!(post(&app, Some(&a), &end, json!({ "end_on": "2027-01-31" })).await.0, 204);
    let leases: Vec<Value> =
        app.get_as(&a, &format!("/api/manage/leases?tenant_id={new_tenant}")).await.json().await.unwrap();
    assert_eq!(leases.len(), 1);
    assert_eq!((&leases[0]["end_on"], &leases[0]["unit_label"]), (&json!("2027-01-31"), &json!("L-1")));
    assert_eq!(post(&app, Some(&a), "/api/manage/leases", lease("2027-02-01")).await.0, 201, "free after the move-out");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity IN ('property', 'unit', 'lease') ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        ["property.create", "property.create", "unit.create", "lease.create", "lease.end", "lease.create"]
    );
}

#[tokio::test]
async fn every_back_office_read_is_scoped() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let a = app.token_of("landlord1@marketplace.test").await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    // (One month of invoices: 50 in all, fewer than a page.)
    for path in ["/api/manage/leases", "/api/manage/invoices?period=2026-11", "/api/manage/properties"] {
        assert_eq!(app.get(path).await.status(), 401, "{path}");
        assert_eq!(app.get_as(&tenant, path).await.status(), 403, "{path}");
        let mine: Vec<Value> = app.get_as(&a, path).await.json().await.unwrap();
        let all: Vec<Value> = app.get_as(&admin, path).await.json().await.unwrap();
        assert!(!mine.is_empty() && mine.len() < all.len(), "{path}: {} of {}", mine.len(), all.len());
    }
    for bad in ["/api/manage/invoices?period=2026-13", "/api/manage/leases?page=0", "/api/manage/leases?unit_id=x"] {
        assert_eq!(app.get_as(&admin, bad).await.status(), 400, "{bad}");
    }
}
