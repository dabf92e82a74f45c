//! The back office's reads as JSON: units of a property (scoped like every
//! property read), the audit log and a job's runs (admins only).

use app::server::seed::demo_id;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn units_are_listed_for_the_propertys_landlord_and_admins_only() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let own: uuid::Uuid = sqlx::query_scalar("SELECT id FROM property WHERE landlord_id = $1 ORDER BY name LIMIT 1")
        .bind(demo_id("landlord1@marketplace.test"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let other: uuid::Uuid = sqlx::query_scalar("SELECT id FROM property WHERE landlord_id <> $1 LIMIT 1")
        .bind(demo_id("landlord1@marketplace.test"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let expected: i64 = sqlx::query_scalar("SELECT count(*) FROM unit WHERE property_id = $1")
        .bind(own)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for path in [format!("/api/manage/properties/{own}/units"), format!("/api/my/properties/{own}/units")] {
        let units: Vec<Value> = app.get_as(&landlord, &path).await.json().await.unwrap();
        assert_eq!(units.len() as i64, expected, "{path}");
        assert!(units.iter().all(|u| u["label"].is_string()));
    }
    let foreign = app.get_as(&landlord, &format!("/api/manage/properties/{other}/units")).await;
    assert_eq!(foreign.status(), 404, "another landlord's property looks missing");
    let admin = app.token_of("admin@marketplace.test").await;
    assert_eq!(app.get_as(&admin, &format!("/api/manage/properties/{other}/units")).await.status(), 200);
    let tenant = app.token_of("tenant1@marketplace.test").await;
    assert_eq!(app.get_as(&tenant, &format!("/api/manage/properties/{own}/units")).await.status(), 403);
    assert_eq!(app.get(&format!("/api/manage/properties/{own}/units")).await.status(), 401);
    assert_eq!(app.get_as(&admin, "/api/manage/properties/not-a-uuid/units").await.status(), 400);
}

#[tokio::test]
async fn admins_read_the_audit_log_and_a_jobs_runs() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let run = app
        .client
        .post(format!("{}/api/manage/billing/run", app.address))
        .bearer_auth(&admin)
        .json(&json!({ "period": "2026-12" }))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 200);

    let entries: Vec<Value> =
        app.get_as(&admin, "/api/manage/audit?entity=billing_period&entity_id=2026-12").await.json().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "billing.run");
    assert!(entries[0]["after"]["created"].as_i64().unwrap() > 0);
    let all: Vec<Value> = app.get_as(&admin, "/api/manage/audit").await.json().await.unwrap();
    assert_eq!(all.len(), 1);
    for bad in ["?limit=0", "?limit=501", "?entity_id=2026-12", "?limit=many"] {
        let response = app.get_as(&admin, &format!("/api/manage/audit{bad}")).await;
        assert_eq!(response.status(), 400, "{bad}");
    }
    let landlord = app.token_of("landlord1@marketplace.test").await;
    assert_eq!(app.get_as(&landlord, "/api/manage/audit").await.status(), 403);

    let runs = app
        .client
        .post(format!("{}/api/jobs/runs", app.address))
        .bearer_auth(&admin)
        .form(&[("job", "billing")])
        .send()
        .await
        .unwrap();
    assert_eq!(runs.status(), 200);
    let runs: Vec<Value> = runs.json().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (&runs[0]["job"], &runs[0]["cursor"], &runs[0]["status"]),
        (&json!("billing"), &json!("2026-12"), &json!("succeeded"))
    );
    let refused = app
        .client
        .post(format!("{}/api/jobs/runs", app.address))
        .bearer_auth(&landlord)
        .form(&[("job", "billing")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

/// An open invoice of one of `landlord`'s properties (or of someone else's
/// with `mine = false`) with more than 1.00 left to pay: (invoice, tenant e-mail, left).
async fn open_invoice(app: &crate::helpers::TestApp, landlord: &str, mine: bool) -> (uuid::Uuid, String, i64) {
    sqlx::query_as(
        "SELECT i.id, t.email, (i.total_minor - COALESCE((SELECT sum(p.amount_minor) FROM payment p
                                                          WHERE p.invoice_id = i.id), 0))::bigint AS left_minor
         FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
         JOIN property pr ON pr.id = u.property_id JOIN app_user t ON t.id = i.tenant_id
         WHERE i.voided_at IS NULL AND (pr.landlord_id = $1) = $2
           AND i.total_minor - COALESCE((SELECT sum(p.amount_minor) FROM payment p WHERE p.invoice_id = i.id), 0) > 100
         ORDER BY i.number LIMIT 1",
    )
    .bind(demo_id(landlord))
    .bind(mine)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_landlord_records_a_partial_payment_and_the_tenant_sees_it() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let (invoice, tenant_email, left) = open_invoice(&app, "landlord1@marketplace.test", true).await;
    let pay = async |token: &str, invoice: uuid::Uuid, body: Value| {
        let response = app
            .client
            .post(format!("{}/api/manage/invoices/{invoice}/payments", app.address))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    };
    let body = |amount: i64, reference: &str| json!({ "amount_minor": amount, "received_on": "2026-11-20", "method": "bank_transfer", "reference": reference });

    let (status, paid) = pay(&landlord, invoice, body(100, "BANK-TEST-1")).await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(paid["outstanding_minor"], left - 100);
    let tenant = app.token_of(&tenant_email).await;
    let seen: Value = app.get_as(&tenant, &format!("/api/invoices/{invoice}")).await.json().await.unwrap();
    let paid_before = seen["paid_minor"].as_i64().unwrap();
    assert_eq!(seen["total_minor"].as_i64().unwrap() - paid_before, left - 100, "the tenant sees it at once");

    let (status, refused) = pay(&landlord, invoice, body(left, "BANK-TEST-2")).await;
    assert_eq!(status, 409, "more than is left: {refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("left to pay"), "{refused}");
    assert_eq!(pay(&landlord, invoice, body(1, "BANK-TEST-1")).await.0, 409, "a known reference");
    for (bad, field) in [
        (json!({ "amount_minor": 0, "received_on": "2026-11-20", "method": "cash", "reference": "X" }), "amount_minor"),
        (json!({ "amount_minor": 5, "received_on": "2099-01-01", "method": "cash", "reference": "X" }), "received_on"),
        (json!({ "amount_minor": 5, "received_on": "2026-11-20", "method": "cheque", "reference": "X" }), "method"),
    ] {
        let (status, body) = pay(&landlord, invoice, bad).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().starts_with(field), "{body}");
    }
    assert_eq!(pay(&landlord, invoice, json!({ "amount_minor": "ten" })).await.0, 400, "a malformed body");
    let (other, _, _) = open_invoice(&app, "landlord1@marketplace.test", false).await;
    assert_eq!(pay(&landlord, other, body(100, "BANK-TEST-3")).await.0, 404, "another landlord's invoice");
    assert_eq!(pay(&tenant, invoice, body(100, "BANK-TEST-4")).await.0, 403);
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'payment.record'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audited, 1, "one payment, one entry; refusals write nothing");
}

#[tokio::test]
async fn payments_at_once_never_pay_more_than_is_left() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let (invoice, _, left) = open_invoice(&app, "landlord1@marketplace.test", true).await;
    let share = left / 4 + 1;
    let mut attempts = tokio::task::JoinSet::new();
    for k in 0..8 {
        let request = app
            .client
            .post(format!("{}/api/manage/invoices/{invoice}/payments", app.address))
            .bearer_auth(&admin)
            .json(&json!({ "amount_minor": share, "received_on": "2026-11-20", "method": "card",
                           "reference": format!("RACE-{k}") }));
        attempts.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = attempts.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let overpaid: bool = sqlx::query_scalar(
        "SELECT i.total_minor < (SELECT sum(amount_minor) FROM payment p WHERE p.invoice_id = i.id)
         FROM invoice i WHERE i.id = $1",
    )
    .bind(invoice)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!overpaid);
}

#[tokio::test]
async fn an_unpaid_invoice_is_voided_once_with_its_reason_and_a_paid_one_is_refused() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let void = async |token: &str, invoice: uuid::Uuid, body: Value| {
        let response = app
            .client
            .post(format!("{}/api/manage/invoices/{invoice}/void", app.address))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    };
    let unpaid: uuid::Uuid = sqlx::query_scalar(
        "SELECT i.id FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
         JOIN property pr ON pr.id = u.property_id
         WHERE pr.landlord_id = $1 AND i.voided_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id)
         ORDER BY i.number LIMIT 1",
    )
    .bind(demo_id("landlord1@marketplace.test"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let reason = json!({ "reason": "  issued twice for November  " });

    let (status, body) = void(&landlord, unpaid, json!({ "reason": " " })).await;
    assert_eq!(status, 400, "a reason is required: {body}");
    let tenant = app.token_of("tenant1@marketplace.test").await;
    assert_eq!(void(&tenant, unpaid, reason.clone()).await.0, 403);
    let (other, _, _) = open_invoice(&app, "landlord1@marketplace.test", false).await;
    assert_eq!(void(&landlord, other, reason.clone()).await.0, 404, "another landlord's invoice");

    let (status, voided) = void(&landlord, unpaid, reason.clone()).await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(voided["reason"], "issued twice for November");
    let (status, again) = void(&landlord, unpaid, reason.clone()).await;
    assert_eq!(status, 409, "never twice: {again}");
    assert!(again["error"]["message"].as_str().unwrap().contains("already void"), "{again}");
    let (kept, why): (Option<chrono::DateTime<chrono::Utc>>, Option<String>) =
        sqlx::query_as("SELECT voided_at, void_reason FROM invoice WHERE id = $1")
            .bind(unpaid)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(kept.is_some());
    assert_eq!(why.as_deref(), Some("issued twice for November"));

    // A paid invoice is corrected by a refund first.
    let paid: uuid::Uuid = sqlx::query_scalar(
        "SELECT i.id FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
         JOIN property pr ON pr.id = u.property_id
         WHERE pr.landlord_id = $1 AND i.voided_at IS NULL
           AND EXISTS (SELECT 1 FROM payment p WHERE p.invoice_id = i.id)
         ORDER BY i.number LIMIT 1",
    )
    .bind(demo_id("landlord1@marketplace.test"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (status, refused) = void(&landlord, paid, reason).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("refund the payments first"), "{refused}");
    let audited: Vec<(String, Value)> =
        sqlx::query_as("SELECT entity_id, after FROM audit_log WHERE action = 'invoice.void'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited.len(), 1, "one void, one entry; refusals write nothing");
    assert_eq!(audited[0].0, unpaid.to_string());
    assert_eq!(audited[0].1["reason"], "issued twice for November");
}

#[tokio::test]
async fn the_kill_bill_quarantine_is_for_admins_and_its_actions_are_audited() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    assert_eq!(app.get_as(&landlord, "/api/manage/killbill/quarantine").await.status(), 403);
    let list: Value = app.get_as(&admin, "/api/manage/killbill/quarantine").await.json().await.unwrap();
    assert_eq!(list, json!([]), "nothing refused yet");

    let (invoice, tenant): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT id, tenant_id FROM invoice ORDER BY number LIMIT 1").fetch_one(&app.pool).await.unwrap();
    let refusal = app::server::store::killbill_quarantine::Refusal {
        entity: "invoice",
        local_id: invoice,
        tenant_id: tenant,
        label: "invoice X",
        http_status: Some(400),
        code: Some(4015),
        message: "External charge amount should be strictly positive",
    };
    app::server::store::killbill_quarantine::hold(&app.pool, &refusal).await.unwrap();
    let list: Value = app.get_as(&admin, "/api/manage/killbill/quarantine").await.json().await.unwrap();
    assert_eq!(list[0]["state"], "held");
    assert_eq!(list[0]["code"], 4015);
    let id = list[0]["id"].as_i64().unwrap();
    let post = async |token: &str, path: String| {
        app.client.post(format!("{}{path}", app.address)).bearer_auth(token).send().await.unwrap().status().as_u16()
    };
    assert_eq!(post(&landlord, format!("/api/manage/killbill/quarantine/{id}/skip")).await, 403);
    assert_eq!(post(&admin, "/api/manage/killbill/quarantine/999999/retry".into()).await, 404);
    assert_eq!(post(&admin, format!("/api/manage/killbill/quarantine/{id}/retry")).await, 204);
    let list: Value = app.get_as(&admin, "/api/manage/killbill/quarantine").await.json().await.unwrap();
    assert_eq!(list[0]["state"], "retry");
    let asked: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_request WHERE job = 'killbill'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(asked, 1, "a retry asks for a mirror run");
    assert_eq!(post(&admin, format!("/api/manage/killbill/quarantine/{id}/skip")).await, 204);
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'killbill_quarantine'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn invoices_are_found_by_number_tenant_name_or_e_mail() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let (number, name, email): (String, String, String) = sqlx::query_as(
        "SELECT i.number, t.display_name, t.email FROM invoice i JOIN app_user t ON t.id = i.tenant_id
         ORDER BY i.number LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let find = async |q: &str| -> Vec<Value> {
        let path = format!("/api/manage/invoices?q={}", app::domain::form_encode(q));
        let body: Value = app.get_as(&admin, &path).await.json().await.unwrap();
        body.as_array().unwrap_or_else(|| panic!("{body}")).clone()
    };
    let by_number = find(&number).await;
    assert!(by_number.iter().any(|i| i["number"] == number.as_str()), "{by_number:?}");
    assert!(by_number.iter().all(|i| i["number"].as_str().unwrap().contains(&number)), "only matches");
    let by_name = find(&name.to_uppercase()).await;
    assert!(!by_name.is_empty() && by_name.iter().all(|i| i["tenant_name"] == name.as_str()), "any case");
    assert!(find(&email).await.iter().all(|i| i["tenant_name"] == name.as_str()));
    assert!(find("%").await.is_empty(), "a wildcard is just a character");
    assert!(find("no such tenant anywhere").await.is_empty());
    let long = "x".repeat(101);
    assert_eq!(app.get_as(&admin, &format!("/api/manage/invoices?q={long}")).await.status(), 400);
}

#[tokio::test]
async fn leases_and_properties_are_found_by_their_words_within_the_callers_scope() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let admin = app.token_of("admin@marketplace.test").await;
    let find = async |token: &str, list: &str, q: &str| -> Vec<Value> {
        let path = format!("/api/manage/{list}?q={}", app::domain::form_encode(q));
        let body: Value = app.get_as(token, &path).await.json().await.unwrap();
        body.as_array().unwrap_or_else(|| panic!("{body}")).clone()
    };
    // A tenant of landlord 1, by e-mail in another case: only their leases.
    let (email, name): (String, String) = sqlx::query_as(
        "SELECT t.email, t.display_name FROM lease l JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
         JOIN app_user t ON t.id = l.tenant_id JOIN app_user o ON o.id = p.landlord_id
         WHERE o.email = 'landlord1@marketplace.test' ORDER BY t.email LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let theirs = find(&landlord, "leases", &email.to_uppercase()).await;
    assert!(!theirs.is_empty() && theirs.iter().all(|l| l["tenant_name"] == name.as_str()), "{theirs:?}");
    // A property of landlord 1, by part of its city: found; landlord 2 does not see it.
    let (property, city): (String, String) = sqlx::query_as(
        "SELECT p.name, p.city FROM property p JOIN app_user o ON o.id = p.landlord_id
         WHERE o.email = 'landlord1@marketplace.test' ORDER BY p.name LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let part: String = city.chars().take(4).collect::<String>().to_lowercase();
    let found = find(&landlord, "properties", &part).await;
    assert!(found.iter().any(|p| p["name"] == property.as_str()), "{found:?}");
    let other = crate::maintenance::landlord_token(&app, 2).await;
    assert!(find(&other, "properties", &property).await.iter().all(|p| p["name"] != property.as_str()), "scoped");
    assert!(!find(&admin, "properties", &property).await.is_empty(), "admins see every one");
    let let_property: String = sqlx::query_scalar(
        "SELECT p.name FROM lease l JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
         JOIN app_user o ON o.id = p.landlord_id WHERE o.email = 'landlord1@marketplace.test' ORDER BY p.name LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let by_property = find(&landlord, "leases", &let_property).await;
    assert!(!by_property.is_empty(), "the leases of {let_property}");
    assert!(by_property.iter().all(|l| l["property_name"] == let_property.as_str()), "{by_property:?}");
    assert!(find(&landlord, "leases", "%").await.is_empty(), "a wildcard is just a character");
    let long = "x".repeat(101);
    for list in ["leases", "properties"] {
        let response = app.get_as(&admin, &format!("/api/manage/{list}?q={long}")).await;
        assert_eq!(response.status(), 400, "{list}");
    }
}

#[tokio::test]
async fn a_property_is_corrected_by_its_owner_only_and_the_change_is_audited() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let mine: Value = app.get_as(&landlord, "/api/manage/properties").await.json().await.unwrap();
    let id = mine[0]["id"].as_str().unwrap().to_owned();
    let old_name = mine[0]["name"].as_str().unwrap().to_owned();
    let put = async |token: &str, body: Value| {
        app.client
            .put(format!("{}/api/manage/properties/{id}", app.address))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    };
    let fixed = json!({ "name": "Les Tilleuls", "address_line": "4 rue des Tilleuls", "city": "Lyon",
                        "postal_code": "69003", "country": "fr" });
    let saved = put(&landlord, fixed.clone()).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(
        (saved["name"].as_str(), saved["address_line"].as_str()),
        (Some("Les Tilleuls"), Some("4 rue des Tilleuls"))
    );
    let listed: Value = app.get_as(&landlord, "/api/manage/properties?q=tilleuls").await.json().await.unwrap();
    assert!(listed.as_array().unwrap().iter().any(|p| p["id"] == id.as_str() && p["country"] == "FR"));
    let (action, before, after): (String, Value, Value) = sqlx::query_as(
        "SELECT action, before, after FROM audit_log WHERE entity = 'property' AND entity_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(action, "property.edit");
    assert_eq!((before["name"].as_str(), after["name"].as_str()), (Some(old_name.as_str()), Some("Les Tilleuls")));

    let mut bad = fixed.clone();
    bad["country"] = json!("France");
    let refused = put(&landlord, bad).await;
    assert_eq!(refused.status(), 400);
    let problem: Value = refused.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().starts_with("country"), "{problem}");
    let mut blank = fixed.clone();
    blank["name"] = json!("  ");
    assert_eq!(put(&landlord, blank).await.status(), 400);
    let other = crate::maintenance::landlord_token(&app, 2).await;
    assert_eq!(put(&other, fixed.clone()).await.status(), 404, "another landlord's");
    let tenant = app.token_of("tenant1@marketplace.test").await;
    assert_eq!(put(&tenant, fixed).await.status(), 403);
    let edits: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'property.edit'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(edits, 1, "refusals write nothing");
}

#[tokio::test]
async fn a_unit_is_corrected_within_its_property_and_a_taken_label_is_a_409() {
    let app = spawn_app(true).await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let mine: Value = app.get_as(&landlord, "/api/manage/properties").await.json().await.unwrap();
    let property = mine[0]["id"].as_str().unwrap().to_owned();
    let units: Value =
        app.get_as(&landlord, &format!("/api/manage/properties/{property}/units")).await.json().await.unwrap();
    let (first, second) = (units[0]["id"].as_str().unwrap().to_owned(), units[1]["label"].as_str().unwrap().to_owned());
    let put = async |token: &str, unit: &str, body: Value| {
        let url = format!("{}/api/manage/units/{unit}", app.address);
        app.client.put(url).bearer_auth(token).json(&body).send().await.unwrap()
    };
    let saved = put(&landlord, &first, json!({ "label": "4C", "bedrooms": 2, "floor": "4" })).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(
        (saved["label"].as_str(), saved["bedrooms"].as_i64(), saved["floor"].as_str()),
        (Some("4C"), Some(2), Some("4"))
    );
    let taken = put(&landlord, &first, json!({ "label": second, "bedrooms": 1 })).await;
    assert_eq!(taken.status(), 409, "another unit of the property has that label");
    assert_eq!(put(&landlord, &first, json!({ "label": "", "bedrooms": 1 })).await.status(), 400);
    assert_eq!(put(&landlord, &first, json!({ "label": "5A", "bedrooms": 99 })).await.status(), 400);
    let other = crate::maintenance::landlord_token(&app, 2).await;
    assert_eq!(put(&other, &first, json!({ "label": "X", "bedrooms": 1 })).await.status(), 404);
    assert_eq!(put(&landlord, &uuid::Uuid::nil().to_string(), json!({ "label": "X" })).await.status(), 404);
    let audited: Vec<(Value, Value)> =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'unit.edit' AND entity_id = $1")
            .bind(&first)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited.len(), 1, "one change, refusals write nothing");
    assert_eq!(
        (audited[0].0["label"].as_str(), audited[0].1["label"].as_str()),
        (units[0]["label"].as_str(), Some("4C"))
    );
}
