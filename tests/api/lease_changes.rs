//! A lease's rent changed from a day on, and properties and units archived
//! and brought back, through the JSON API: what the rent run bills, what the
//! lists show, every refusal with its status and field, and the audit log.

use app::domain::prorate;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn send(app: &TestApp, token: Option<&str>, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let mut request = app.client.request(method, format!("{}{path}", app.address)).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    send(app, token, reqwest::Method::POST, path, body).await
}

fn field_of(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default().split(':').next().unwrap_or_default()
}

fn message_of(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

/// Landlord 1's new property with units `labels`, and a new tenant: (property, unit ids, tenant id).
async fn place_with_units(app: &TestApp, landlord: &str, labels: &[&str]) -> (String, Vec<String>, String) {
    let admin = app.token_of("admin@marketplace.test").await;
    let body = json!({ "name": "Quai Building", "address_line": "3 Quai Saint-Vincent", "city": "Lyon",
                       "postal_code": "69001", "country": "FR" });
    let (status, created) = post(app, Some(landlord), "/api/manage/properties", body).await;
    assert_eq!(status, 201, "{created}");
    let property = created["id"].as_str().unwrap().to_owned();
    let mut units = Vec::new();
    for label in labels {
        let path = format!("/api/manage/properties/{property}/units");
        let (status, created) = post(app, Some(landlord), &path, json!({ "label": label })).await;
        assert_eq!(status, 201, "{created}");
        units.push(created["id"].as_str().unwrap().to_owned());
    }
    let invite =
        json!({ "email": format!("tenant-of-{property}@example.com"), "role": "tenant", "name": "Tess Mercier" });
    let (status, invited) = post(app, Some(&admin), "/api/manage/users", invite).await;
    assert_eq!(status, 201, "{invited}");
    (property, units, invited["id"].as_str().unwrap().to_owned())
}

async fn let_unit(app: &TestApp, landlord: &str, unit: &str, tenant: &str, start: &str) -> (u16, Value) {
    let body = json!({ "unit_id": unit, "tenant_id": tenant, "start_on": start, "rent_minor": 90000,
                       "currency": "EUR", "due_day": 1 });
    post(app, Some(landlord), "/api/manage/leases", body).await
}

async fn invoice_of(app: &TestApp, lease: &str, period: &str) -> (i64, Vec<(String, i64)>) {
    let id: uuid::Uuid = lease.parse().unwrap();
    let start = chrono::NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").unwrap();
    let (invoice, total): (uuid::Uuid, i64) =
        sqlx::query_as("SELECT id, total_minor FROM invoice WHERE lease_id = $1 AND period_start = $2")
            .bind(id)
            .bind(start)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let lines =
        sqlx::query_as("SELECT description, amount_minor FROM invoice_line WHERE invoice_id = $1 ORDER BY position")
            .bind(invoice)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    (total, lines)
}

#[tokio::test]
async fn a_rent_change_bills_each_rent_for_its_days_and_invoiced_days_keep_theirs() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let a = app.token_of("landlord1@marketplace.test").await;
    let b = app.token_of_seeded("landlord2@marketplace.test").await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let (_, units, new_tenant) = place_with_units(&app, &a, &["R-1"]).await;
    let (status, created) = let_unit(&app, &a, &units[0], &new_tenant, "2027-01-01").await;
    assert_eq!(status, 201, "{created}");
    let lease = created["id"].as_str().unwrap().to_owned();
    let changes = format!("/api/manage/leases/{lease}/rent-changes");

    // Refusals: who, and what.
    let change = |from: &str, rent: i64| json!({ "from_on": from, "rent_minor": rent });
    assert_eq!(post(&app, None, &changes, change("2027-03-15", 96000)).await.0, 401);
    assert_eq!(post(&app, Some(&tenant), &changes, change("2027-03-15", 96000)).await.0, 403);
    assert_eq!(post(&app, Some(&b), &changes, change("2027-03-15", 96000)).await.0, 404, "not B's lease");
    for (body, field) in [
        (change("15/03/2027", 96000), "from_on"),
        (change("2026-12-31", 96000), "from_on"),
        (change("2027-03-15", -1), "rent_minor"),
    ] {
        let (status, answer) = post(&app, Some(&a), &changes, body).await;
        assert_eq!((status, field_of(&answer)), (400, field), "{answer}");
    }
    let (status, answer) = post(&app, Some(&a), &changes, json!({ "from_on": "2027-03-15" })).await;
    assert_eq!(status, 400, "a missing amount is a bad request: {answer}");

    // 960.00 from 15 March, 1,000.00 from May, then May withdrawn.
    let (status, recorded) = post(&app, Some(&a), &changes, change("2027-03-15", 96000)).await;
    assert_eq!(status, 201, "{recorded}");
    assert_eq!((&recorded["was_minor"], &recorded["currency"]), (&json!(90000), &json!("EUR")));
    assert_eq!(post(&app, Some(&a), &changes, change("2027-05-01", 100000)).await.0, 201);
    let may = format!("{changes}/2027-05-01");
    assert_eq!(send(&app, Some(&b), reqwest::Method::DELETE, &may, Value::Null).await.0, 404);
    assert_eq!(send(&app, Some(&a), reqwest::Method::DELETE, &may, Value::Null).await.0, 204);
    assert_eq!(send(&app, Some(&a), reqwest::Method::DELETE, &may, Value::Null).await.0, 404, "withdrawn once");

    // The rent run: January whole at 900.00, March in two parts, April whole at 960.00.
    for period in ["2027-01", "2027-03", "2027-04"] {
        let (status, ran) = post(&app, Some(&admin), "/api/manage/billing/run", json!({ "period": period })).await;
        assert_eq!(status, 200, "{ran}");
    }
    assert_eq!(invoice_of(&app, &lease, "2027-01").await.0, 90000);
    let (total, lines) = invoice_of(&app, &lease, "2027-03").await;
    let (before, after) = (prorate(90000, 14, 31), prorate(96000, 17, 31));
    assert_eq!(total, before + after);
    assert_eq!(lines.iter().map(|l| l.1).collect::<Vec<_>>(), vec![before, after]);
    assert!(lines[0].0.contains("1 Mar to 14 Mar, 14 of 31 days") && lines[0].0.contains("900.00"), "{lines:?}");
    assert!(lines[1].0.contains("15 Mar to 31 Mar, 17 of 31 days") && lines[1].0.contains("960.00"), "{lines:?}");
    assert_eq!(invoice_of(&app, &lease, "2027-04").await.0, 96000);

    // Invoiced days keep their rent: a change can start after April only.
    let (status, answer) = post(&app, Some(&a), &changes, change("2027-04-10", 99000)).await;
    assert_eq!((status, field_of(&answer)), (409, "from_on"), "{answer}");
    assert!(message_of(&answer).contains("2027-05-01 at the earliest"), "{answer}");
    let march = format!("{changes}/2027-03-15");
    let (status, answer) = send(&app, Some(&a), reqwest::Method::DELETE, &march, Value::Null).await;
    assert_eq!(status, 409, "an invoiced change stays: {answer}");

    // The list shows the changes and how far the lease is invoiced.
    assert_eq!(post(&app, Some(&a), &changes, change("2027-09-01", 99000)).await.0, 201);
    let listed: Vec<Value> =
        app.get_as(&a, &format!("/api/manage/leases?tenant_id={new_tenant}")).await.json().await.unwrap();
    assert_eq!(
        listed[0]["rent_changes"],
        json!([{ "from_on": "2027-03-15", "rent_minor": 96000 }, { "from_on": "2027-09-01", "rent_minor": 99000 }])
    );
    assert_eq!(listed[0]["invoiced_through"], "2027-04-30");

    // Ending the lease before September drops the September change.
    let end = format!("/api/manage/leases/{lease}/end");
    assert_eq!(post(&app, Some(&a), &end, json!({ "end_on": "2027-07-31" })).await.0, 204);
    let listed: Vec<Value> =
        app.get_as(&a, &format!("/api/manage/leases?tenant_id={new_tenant}")).await.json().await.unwrap();
    assert_eq!(listed[0]["rent_changes"], json!([{ "from_on": "2027-03-15", "rent_minor": 96000 }]));
    let (status, answer) = post(&app, Some(&a), &changes, change("2027-08-01", 99000)).await;
    assert_eq!((status, field_of(&answer)), (400, "from_on"), "after the move-out: {answer}");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'lease' AND entity_id = $1 ORDER BY id")
            .bind(&lease)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "lease.create",
            "lease.rent_change",
            "lease.rent_change",
            "lease.rent_change_cancel",
            "lease.rent_change",
            "lease.end"
        ]
    );
}

#[tokio::test]
async fn archived_places_leave_the_lists_and_take_no_new_unit_or_lease() {
    let app = spawn_app(true).await;
    let a = app.token_of("landlord1@marketplace.test").await;
    let b = app.token_of_seeded("landlord2@marketplace.test").await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let (property, units, new_tenant) = place_with_units(&app, &a, &["A-1", "A-2"]).await;
    let (let_one, spare) = (&units[0], &units[1]);
    let (status, created) = let_unit(&app, &a, let_one, &new_tenant, "2026-01-01").await;
    assert_eq!(status, 201, "{created}");
    let lease = created["id"].as_str().unwrap().to_owned();
    // Our public listing of the let unit.
    let listing = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO listing (id, source, slug, unit_id, title, property_type, city, country, price_minor, currency,
                              price_unit)
         VALUES ($1, 'local', 'quai-building-a-1', $2, 'Quai Building A-1', 'apartment', 'Lyon', 'FR', 90000, 'EUR',
                 'month')",
    )
    .bind(listing)
    .bind(let_one.parse::<uuid::Uuid>().unwrap())
    .execute(&app.pool)
    .await
    .unwrap();
    let published = async || -> bool {
        sqlx::query_scalar("SELECT published FROM listing WHERE id = $1")
            .bind(listing)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };

    // While a lease holds a unit, neither it nor its property can be archived.
    let (archive_p, restore_p) =
        (format!("/api/manage/properties/{property}/archive"), format!("/api/manage/properties/{property}/restore"));
    let unit_path = |id: &str, action: &str| format!("/api/manage/units/{id}/{action}");
    let (status, answer) = post(&app, Some(&a), &unit_path(let_one, "archive"), Value::Null).await;
    assert_eq!((status, field_of(&answer)), (409, "unit"), "{answer}");
    assert!(message_of(&answer).contains("A-1 is let to Tess Mercier with no end date"), "{answer}");
    let (status, answer) = post(&app, Some(&a), &archive_p, Value::Null).await;
    assert_eq!((status, field_of(&answer)), (409, "property"), "{answer}");
    assert_eq!(post(&app, Some(&b), &archive_p, Value::Null).await.0, 404, "not B's property");
    assert_eq!(post(&app, Some(&b), &unit_path(spare, "archive"), Value::Null).await.0, 404, "not B's unit");
    assert_eq!(post(&app, Some(&tenant), &archive_p, Value::Null).await.0, 403);
    assert_eq!(post(&app, None, &archive_p, Value::Null).await.0, 401);

    // The spare unit is archived (twice: the same answer) and takes no lease.
    let (status, first) = post(&app, Some(&a), &unit_path(spare, "archive"), Value::Null).await;
    assert_eq!(status, 200, "{first}");
    assert!(first["archived_at"].is_string(), "{first}");
    assert_eq!(
        post(&app, Some(&a), &unit_path(spare, "archive"), Value::Null).await.1["archived_at"],
        first["archived_at"]
    );
    let (status, answer) = let_unit(&app, &a, spare, &new_tenant, "2030-01-01").await;
    assert_eq!((status, field_of(&answer)), (409, "unit_id"), "{answer}");
    let listed: Vec<Value> =
        app.get_as(&a, &format!("/api/manage/properties/{property}/units")).await.json().await.unwrap();
    let spare_listed = listed.iter().find(|u| u["id"] == json!(spare)).unwrap();
    assert!(spare_listed["archived_at"].is_string(), "the unit list marks it");

    // Once the lease has ended, the property is archived with its units; its listing leaves the portal.
    assert_eq!(
        post(&app, Some(&a), &format!("/api/manage/leases/{lease}/end"), json!({ "end_on": "2026-06-30" })).await.0,
        204
    );
    let (status, archived) = post(&app, Some(&a), &archive_p, Value::Null).await;
    assert_eq!(status, 200, "{archived}");
    assert_eq!(archived["listings"], json!([listing]));
    assert!(!published().await);
    assert_eq!(app.get("/properties/quai-building-a-1").await.status(), 404, "off the portal");
    let in_use: Vec<Value> = app.get_as(&a, "/api/manage/properties").await.json().await.unwrap();
    assert!(in_use.iter().all(|p| p["id"] != json!(property)), "out of the list in use");
    assert_eq!(app.get_as(&a, "/api/manage/properties?page=0").await.status(), 400, "pages start at 1");
    let beyond: Vec<Value> = app.get_as(&a, "/api/manage/properties?page=2").await.json().await.unwrap();
    assert!(beyond.is_empty(), "50 a page: a landlord's few properties fit on the first");
    let kept: Vec<Value> = app.get_as(&a, "/api/manage/properties?archived=true").await.json().await.unwrap();
    assert_eq!(kept.iter().filter(|p| p["id"] == json!(property)).count(), 1, "in the archived list");
    let (status, answer) =
        post(&app, Some(&a), &format!("/api/manage/properties/{property}/units"), json!({ "label": "A-3" })).await;
    assert_eq!((status, field_of(&answer)), (409, "property"), "{answer}");
    assert_eq!(let_unit(&app, &a, let_one, &new_tenant, "2030-01-01").await.0, 409, "its units take no lease");
    let (status, answer) = post(&app, Some(&a), &unit_path(spare, "restore"), Value::Null).await;
    assert_eq!((status, field_of(&answer)), (409, "unit"), "the property first: {answer}");

    // Brought back: the property, then the spare unit; the listing is published again.
    let (status, restored) = post(&app, Some(&a), &restore_p, Value::Null).await;
    assert_eq!((status, &restored["archived_at"], &restored["listings"]), (200, &Value::Null, &json!([listing])));
    assert!(published().await);
    assert_eq!(post(&app, Some(&a), &unit_path(spare, "restore"), Value::Null).await.0, 200);
    assert_eq!(let_unit(&app, &a, spare, &new_tenant, "2030-01-01").await.0, 201);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE '%.archive' OR action LIKE '%.restore' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["unit.archive", "property.archive", "property.restore", "unit.restore"]);
}

#[tokio::test]
async fn a_recurring_charge_is_billed_with_the_rent_until_it_is_removed() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let a = app.token_of("landlord1@marketplace.test").await;
    let b = app.token_of_seeded("landlord2@marketplace.test").await;
    let tenant = app.token_of("tenant1@marketplace.test").await;
    let (_, units, new_tenant) = place_with_units(&app, &a, &["C-1"]).await;
    let (status, created) = let_unit(&app, &a, &units[0], &new_tenant, "2027-01-01").await;
    assert_eq!(status, 201, "{created}");
    let lease = created["id"].as_str().unwrap().to_owned();
    let charges = format!("/api/manage/leases/{lease}/charges");
    let parking = json!({ "description": "Parking space 12", "amount_minor": 3000 });

    assert_eq!(post(&app, Some(&b), &charges, parking.clone()).await.0, 404, "not B's lease");
    assert_eq!(post(&app, Some(&tenant), &charges, parking.clone()).await.0, 403);
    for (body, field) in [
        (json!({ "description": " ", "amount_minor": 3000 }), "description"),
        (json!({ "description": "x".repeat(201), "amount_minor": 3000 }), "description"),
        (json!({ "description": "Parking", "amount_minor": -1 }), "amount_minor"),
    ] {
        let (status, answer) = post(&app, Some(&a), &charges, body).await;
        assert_eq!((status, field_of(&answer)), (400, field), "{answer}");
    }
    let (status, added) = post(&app, Some(&a), &charges, parking).await;
    assert_eq!(status, 201, "{added}");
    let charge = added["id"].as_str().unwrap().to_owned();
    let listed: Vec<Value> =
        app.get_as(&a, &format!("/api/manage/leases?tenant_id={new_tenant}")).await.json().await.unwrap();
    assert_eq!(
        listed[0]["charges"],
        json!([{ "id": charge, "description": "Parking space 12", "amount_minor": 3000 }])
    );

    let run = |period: &str| json!({ "period": period });
    assert_eq!(post(&app, Some(&admin), "/api/manage/billing/run", run("2027-01")).await.0, 200);
    let (total, lines) = invoice_of(&app, &lease, "2027-01").await;
    assert_eq!(total, 93000, "the rent and the charge");
    assert_eq!(lines[1], ("Parking space 12".to_owned(), 3000));

    let remove = format!("{charges}/{charge}");
    assert_eq!(send(&app, Some(&b), reqwest::Method::DELETE, &remove, Value::Null).await.0, 404);
    assert_eq!(send(&app, Some(&a), reqwest::Method::DELETE, &remove, Value::Null).await.0, 204);
    assert_eq!(send(&app, Some(&a), reqwest::Method::DELETE, &remove, Value::Null).await.0, 404, "removed once");
    assert_eq!(post(&app, Some(&admin), "/api/manage/billing/run", run("2027-02")).await.0, 200);
    let (total, lines) = invoice_of(&app, &lease, "2027-02").await;
    assert_eq!((total, lines.len()), (90000, 1), "the rent alone once the charge is off: {lines:?}");
    assert_eq!(invoice_of(&app, &lease, "2027-01").await.0, 93000, "January keeps its charge");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'lease' AND entity_id = $1 ORDER BY id")
            .bind(&lease)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions, ["lease.create", "lease.charge_add", "lease.charge_remove"]);
}
