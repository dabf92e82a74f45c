//! `/api/maintenance`: filters, sorting, paging and, above all, scoping — a landlord never
//! sees another landlord's tickets, a tenant only those of the home they rent.

use app::server::seed::demo_id;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{DEMO_PASSWORD, TestApp, spawn_app};

/// Gives a demo landlord without a password the tests' one, and returns their access token.
pub async fn landlord_token(app: &TestApp, n: u32) -> String {
    let email = format!("landlord{n}@marketplace.test");
    let hash = app::server::auth::password::hash_password(DEMO_PASSWORD.to_owned()).await.unwrap();
    app::server::store::app_user::set_password_if_unset(&app.pool, demo_id(&email), &hash).await.unwrap();
    app.token_of(&email).await
}

/// A ticket to insert.
struct T {
    property: Uuid,
    unit: Option<Uuid>,
    status: &'static str,
    priority: &'static str,
    emergency: bool,
    /// Deadline from now, e.g. `-1 day`; `None`: no deadline.
    deadline: Option<&'static str>,
    /// How long ago it last changed, e.g. `3 days`.
    changed: &'static str,
}

async fn insert(app: &TestApp, number: i32, t: &T) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO maintenance_ticket (id, source, property_id, unit_id, number, title, status, priority, is_emergency,
             deadline_at, opened_at, source_updated_at)
         VALUES ($1, 'local', $2, $3, $4, $5, $6, $7, $8, now() + $9::interval, now() - interval '30 days',
                 now() - $10::interval)",
    )
    .bind(id)
    .bind(t.property)
    .bind(t.unit)
    .bind(number)
    .bind(format!("Ticket {number}"))
    .bind(t.status)
    .bind(t.priority)
    .bind(t.emergency)
    .bind(t.deadline)
    .bind(t.changed)
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

/// The properties of a demo landlord, by name.
async fn properties_of(app: &TestApp, landlord: u32) -> Vec<Uuid> {
    sqlx::query_scalar("SELECT id FROM property WHERE landlord_id = $1 ORDER BY name, id")
        .bind(demo_id(&format!("landlord{landlord}@marketplace.test")))
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// tenant1's current unit and its property.
async fn tenant1_home(app: &TestApp) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT u.id, u.property_id FROM lease l JOIN unit u ON u.id = l.unit_id
         WHERE l.tenant_id = $1 AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)
         LIMIT 1",
    )
    .bind(demo_id("tenant1@marketplace.test"))
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A seeded app with ten tickets: seven on the properties of tenant1's landlord ("A",
/// numbers 1–7, three of them in tenant1's building), three on another landlord's ("B",
/// numbers 101–103). Both landlords can sign in.
struct Fixture {
    app: TestApp,
    /// Access tokens of landlords A and B.
    landlord_a: String,
    landlord_b: String,
    /// Demo number of landlord A (`landlord{n}@marketplace.test`).
    a: u32,
    mine: Vec<Uuid>,
    theirs: Vec<Uuid>,
    own_properties: Vec<Uuid>,
    tenant_unit_ticket: Uuid,
    tenant_common_ticket: Uuid,
    neighbour_ticket: Uuid,
}

async fn fixture() -> Fixture {
    let app = spawn_app(true).await;
    let (home_unit, home) = tenant1_home(&app).await;
    let landlord_of_home: Uuid = sqlx::query_scalar("SELECT landlord_id FROM property WHERE id = $1")
        .bind(home)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let a = (1..=3).find(|n| demo_id(&format!("landlord{n}@marketplace.test")) == landlord_of_home).unwrap();
    let b = a % 3 + 1;
    let own_properties = properties_of(&app, a).await;
    let other = properties_of(&app, b).await;
    let neighbour_unit: Uuid = sqlx::query_scalar("SELECT id FROM unit WHERE property_id = $1 AND id <> $2 LIMIT 1")
        .bind(home)
        .bind(home_unit)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let elsewhere = *own_properties.iter().find(|p| **p != home).unwrap();
    let t = |property, unit, status, priority, emergency, deadline, changed| T {
        property,
        unit,
        status,
        priority,
        emergency,
        deadline,
        changed,
    };
    let specs = [
        t(home, Some(home_unit), "processing", "urgent", true, Some("-2 days"), "1 hour"),
        t(home, None, "new_or_reopened", "normal", false, Some("3 days"), "2 days"),
        t(home, Some(neighbour_unit), "completed", "low", false, Some("-5 days"), "3 days"),
        t(elsewhere, None, "processing", "high", false, None, "4 days"),
        t(elsewhere, None, "deferred", "normal", true, Some("-1 day"), "10 days"),
        t(elsewhere, None, "closed", "normal", false, None, "20 days"),
        t(elsewhere, None, "new_or_reopened", "high", false, Some("1 day"), "40 days"),
    ];
    let mut mine = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        mine.push(insert(&app, i as i32 + 1, spec).await);
    }
    let mut theirs = Vec::new();
    for (i, status) in ["processing", "new_or_reopened", "completed"].into_iter().enumerate() {
        let spec = t(other[i % other.len()], None, status, "urgent", true, Some("-1 day"), "1 minute");
        theirs.push(insert(&app, 101 + i as i32, &spec).await);
    }
    Fixture {
        landlord_a: landlord_token(&app, a).await,
        landlord_b: landlord_token(&app, b).await,
        a,
        tenant_unit_ticket: mine[0],
        tenant_common_ticket: mine[1],
        neighbour_ticket: mine[2],
        app,
        mine,
        theirs,
        own_properties,
    }
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get_as(token, &format!("/api/maintenance{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn numbers(body: &Value) -> Vec<i64> {
    body["items"].as_array().unwrap().iter().map(|t| t["number"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_landlord_sees_their_tickets_only_and_never_anothers() {
    let f = fixture().await;
    let token = f.landlord_a.clone();
    let all = list(&f.app, &token, "").await;
    assert_eq!(numbers(&all), [1, 2, 3, 4, 5, 6, 7], "most recently changed first");
    assert_eq!(all["total"], 7);
    assert_eq!(all["counts"]["processing"], 2);
    for item in all["items"].as_array().unwrap() {
        let property: Uuid = item["property"]["id"].as_str().unwrap().parse().unwrap();
        assert!(f.own_properties.contains(&property));
    }
    for id in &f.theirs {
        assert_eq!(f.app.get_as(&token, &format!("/api/maintenance/{id}")).await.status(), 404, "not 403: no leak");
    }
    let other_property = properties_of(&f.app, f.a % 3 + 1).await[0];
    let filtered = list(&f.app, &token, &format!("?property={other_property}")).await;
    assert_eq!(filtered["total"], 0, "filtering on another landlord's property shows nothing");

    let own: Value = f.app.get_as(&token, &format!("/api/maintenance/{}", f.mine[0])).await.json().await.unwrap();
    assert_eq!((own["number"].as_i64(), own["status"].as_str()), (Some(1), Some("processing")));
    assert!(own["unit"]["label"].is_string() && own["status_history"].is_array());

    let theirs = list(&f.app, &f.landlord_b, "?sort=number_desc").await;
    assert_eq!(numbers(&theirs), [103, 102, 101], "B sees B's tickets, and only them");
    assert_eq!(f.app.get_as(&f.landlord_b, &format!("/api/maintenance/{}", f.mine[0])).await.status(), 404);
}

#[tokio::test]
async fn admins_see_everything_tenants_their_home_and_anonymous_callers_nothing() {
    let f = fixture().await;
    let admin = f.app.token_of("admin@marketplace.test").await;
    assert_eq!(list(&f.app, &admin, "").await["total"], 10);

    let tenant = f.app.token_of("tenant1@marketplace.test").await;
    let home = list(&f.app, &tenant, "").await;
    let ids: Vec<&str> = home["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [f.tenant_unit_ticket.to_string(), f.tenant_common_ticket.to_string()],
        "their unit and common areas"
    );
    let neighbour = f.app.get_as(&tenant, &format!("/api/maintenance/{}", f.neighbour_ticket)).await;
    assert_eq!(neighbour.status(), 404, "not the neighbour's flat");
    assert_eq!(f.app.get_as(&tenant, &format!("/api/maintenance/{}", f.theirs[0])).await.status(), 404);

    assert_eq!(f.app.get("/api/maintenance").await.status(), 401);
    assert_eq!(f.app.get(&format!("/api/maintenance/{}", f.mine[0])).await.status(), 401);
    let forged = f.app.get_as("not-a-token", "/api/maintenance").await;
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn each_filter_narrows_the_list_and_the_total() {
    let f = fixture().await;
    let token = f.landlord_a.clone();
    let cases: [(&str, &[i64]); 10] = [
        ("?status=processing", &[1, 4]),
        ("?status=processing,deferred", &[1, 4, 5]),
        ("?priority=high", &[4, 7]),
        ("?emergency=true", &[1, 5]),
        ("?emergency=false&priority=normal", &[2, 6]),
        ("?overdue=true", &[1, 5]),
        ("?updated_since=", &[1, 2, 3, 4, 5, 6, 7]),
        ("?status=completed&emergency=true", &[]),
        ("?priority=urgent,low", &[1, 3]),
        ("?overdue=false&status=new_or_reopened", &[2, 7]),
    ];
    for (query, expected) in cases {
        let body = list(&f.app, &token, query).await;
        assert_eq!(numbers(&body), expected, "{query}");
        assert_eq!(body["total"], expected.len(), "{query}");
    }
    let since = (chrono::Utc::now() - chrono::Duration::days(5)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(numbers(&list(&f.app, &token, &format!("?updated_since={since}")).await), [1, 2, 3, 4]);
    let day = (chrono::Utc::now() - chrono::Duration::days(15)).format("%Y-%m-%d");
    assert_eq!(numbers(&list(&f.app, &token, &format!("?updated_since={day}")).await), [1, 2, 3, 4, 5]);
    let property = list(&f.app, &token, "").await["items"][3]["property"]["id"].as_str().unwrap().to_owned();
    assert_eq!(numbers(&list(&f.app, &token, &format!("?property={property}")).await), [4, 5, 6, 7]);
    let counts = list(&f.app, &token, "?status=processing&emergency=true").await;
    assert_eq!((counts["total"].as_i64(), counts["counts"]["deferred"].as_i64()), (Some(1), Some(1)), "{counts}");
}

#[tokio::test]
async fn sorting_and_paging_follow_the_parameters() {
    let f = fixture().await;
    let token = f.landlord_a.clone();
    assert_eq!(numbers(&list(&f.app, &token, "?sort=updated").await), [7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(numbers(&list(&f.app, &token, "?sort=priority").await), [1, 4, 7, 2, 5, 6, 3]);
    assert_eq!(numbers(&list(&f.app, &token, "?sort=deadline").await), [3, 1, 5, 7, 2, 4, 6]);
    assert_eq!(numbers(&list(&f.app, &token, "?sort=number_desc").await), [7, 6, 5, 4, 3, 2, 1]);

    let second = list(&f.app, &token, "?per_page=3&page=2").await;
    assert_eq!(numbers(&second), [4, 5, 6]);
    assert_eq!(
        (second["total"].as_i64(), second["pages"].as_i64(), second["page"].as_i64()),
        (Some(7), Some(3), Some(2))
    );
    let last = list(&f.app, &token, "?per_page=3&page=3").await;
    assert_eq!(numbers(&last), [7]);
    let past = list(&f.app, &token, "?per_page=3&page=9").await;
    assert_eq!((numbers(&past).len(), past["total"].as_i64()), (0, Some(7)), "past the end: empty, total kept");
}

#[tokio::test]
async fn bad_parameters_are_a_400_naming_the_parameter() {
    let f = fixture().await;
    let token = f.landlord_a.clone();
    for (query, name) in [
        ("status=open", "status"),
        ("priority=asap", "priority"),
        ("emergency=maybe", "emergency"),
        ("overdue=2", "overdue"),
        ("property=12", "property"),
        ("updated_since=last-week", "updated_since"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
    ] {
        let response = f.app.get_as(&token, &format!("/api/maintenance?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("`{name}`")), "{query}: {message}");
    }
    assert_eq!(f.app.get_as(&token, "/api/maintenance/not-a-uuid").await.status(), 404);
    assert_eq!(f.app.get_as(&token, &format!("/api/maintenance/{}", Uuid::nil())).await.status(), 404);
}

#[tokio::test]
async fn the_pages_require_sign_in_and_show_only_the_landlords_tickets() {
    let f = fixture().await;
    for (path, next) in [
        ("/maintenance".to_owned(), "/maintenance".to_owned()),
        (format!("/maintenance/{}", f.mine[0]), format!("/maintenance/{}", f.mine[0])),
    ] {
        let response =
            f.app.client.get(format!("{}{path}", f.app.address)).header("Accept", "text/html").send().await.unwrap();
        assert!(response.status().is_redirection(), "{path}: {}", response.status());
        assert_eq!(response.headers()["location"].to_str().unwrap(), format!("/login?next={next}"));
    }
    let client = crate::scoping::browser_session(&f.app, &format!("landlord{}@marketplace.test", f.a)).await;
    let page = client.get(format!("{}/maintenance?status=processing", f.app.address)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Ticket 1") && html.contains("Ticket 4"), "their processing tickets");
    assert!(!html.contains("Ticket 2<") && !html.contains("Ticket 101"), "other statuses and landlords are left out");
    let detail = client.get(format!("{}/maintenance/{}", f.app.address, f.mine[0])).send().await.unwrap();
    assert_eq!(detail.status(), 200);
    assert!(detail.text().await.unwrap().contains("Status history"));
    let theirs = client.get(format!("{}/maintenance/{}", f.app.address, f.theirs[0])).send().await.unwrap();
    assert_eq!(theirs.status(), 404);
    let bad = client.get(format!("{}/maintenance?sort=random", f.app.address)).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}
