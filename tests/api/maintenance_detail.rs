//! A ticket's detail through `/api/maintenance/{id}`, its page and
//! `/api/maintenance/{id}/files/{file_id}`: people, category, files served from our database
//! with safe headers, comments (a tenant never sees an internal one) and the status history,
//! all within the ticket's scope — tenant A (renting its unit), tenant B (another unit),
//! landlord A (owner), landlord B and an admin.

use app::server::seed::demo_id;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, spawn_app};
use crate::maintenance::landlord_token;
use crate::scoping::browser_session;

const PUBLIC: &str = "We come on Monday between 9 and 12";
const INTERNAL: &str = "Tenant disputes the invoice, check with the owner first";
const PHOTO: &[u8] = b"\x89PNG\r\n\x1a\n a photo of the leak";

/// A seeded app with one ticket on tenant A's unit, its detail, and everyone's tokens.
struct Fixture {
    app: TestApp,
    /// Demo number of landlord A (`landlord{n}@marketplace.test`).
    a: u32,
    ticket: Uuid,
    photo: Uuid,
    manual: Uuid,
    too_large: Uuid,
    tenant_a: String,
    tenant_b: String,
    landlord_a: String,
    landlord_b: String,
    admin: String,
}

async fn fixture() -> Fixture {
    let app = spawn_app(true).await;
    let tenant = demo_id("tenant1@marketplace.test");
    let (unit, property, landlord): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "SELECT u.id, u.property_id, p.landlord_id FROM lease l JOIN unit u ON u.id = l.unit_id
         JOIN property p ON p.id = u.property_id
         WHERE l.tenant_id = $1 AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)
         LIMIT 1",
    )
    .bind(tenant)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Tenant B rents another unit, in the same building when there is one.
    let tenant_b: String = sqlx::query_scalar(
        "SELECT a.email FROM lease l JOIN unit u ON u.id = l.unit_id JOIN app_user a ON a.id = l.tenant_id
         WHERE l.tenant_id <> $1 AND l.unit_id <> $2
           AND l.starts_on <= current_date AND (l.ends_on IS NULL OR l.ends_on > current_date)
         ORDER BY (u.property_id = $3) DESC, a.email LIMIT 1",
    )
    .bind(tenant)
    .bind(unit)
    .bind(property)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let a = (1..=3).find(|n| demo_id(&format!("landlord{n}@marketplace.test")) == landlord).unwrap();
    let ticket = Uuid::new_v4();
    let category =
        "INSERT INTO maintenance_category (id, place, category, problem) VALUES ('cls-1', 'Flat', 'Plumbing', 'Leak')";
    sqlx::query(category).execute(&app.pool).await.unwrap();
    sqlx::query(
        "INSERT INTO maintenance_ticket (id, source, external_id, property_id, unit_id, number, title, details, status,
             opened_at, source_updated_at, deadline_at, assignee_name, executor_name, status_reason, category_id)
         VALUES ($1, 'condo', 'condo-ticket-1', $2, $3, 501, 'Leak under the sink', 'Water on the floor', 'deferred',
             '2026-11-02T08:00:00Z', now(), '2026-12-24T09:00:00Z', 'Dispatcher Dana', 'Plumber Pete',
             'Waiting for spare parts', 'cls-1')",
    )
    .bind(ticket)
    .bind(property)
    .bind(unit)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO maintenance_status_change (id, ticket_id, external_id, status_from, status_to, reason,
             changed_by_name, changed_at)
         VALUES (gen_random_uuid(), $1, 'change-1', 'new_or_reopened', 'deferred', 'Waiting for spare parts',
             'Dispatcher Dana', '2026-11-03T10:00:00Z')",
    )
    .bind(ticket)
    .execute(&app.pool)
    .await
    .unwrap();
    for (content, for_residents, at) in
        [(PUBLIC, true, "2026-11-03T11:00:00Z"), (INTERNAL, false, "2026-11-03T12:00:00Z")]
    {
        sqlx::query(
            "INSERT INTO maintenance_comment (id, ticket_id, external_id, for_residents, content, author_name, created_at)
             VALUES (gen_random_uuid(), $1, gen_random_uuid()::text, $2, $3, 'Dispatcher Dana', $4::timestamptz)",
        )
        .bind(ticket)
        .bind(for_residents)
        .bind(content)
        .bind(at)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let file = |name: &'static str, kind: &'static str, bytes: Option<&'static [u8]>, size: i32| {
        let pool = app.pool.clone();
        async move {
            let id = Uuid::new_v4();
            sqlx::query(
                "INSERT INTO maintenance_file (id, ticket_id, external_id, filename, content_type, size_bytes, bytes)
                 VALUES ($1, $2, $1::text, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(ticket)
            .bind(name)
            .bind(kind)
            .bind(size)
            .bind(bytes)
            .execute(&pool)
            .await
            .unwrap();
            id
        }
    };
    let photo = file("leak.png", "image/png", Some(PHOTO), PHOTO.len() as i32).await;
    let manual = file("valve manual.pdf", "application/pdf", Some(b"%PDF-1.4"), 8).await;
    let too_large = file("video.mp4", "video/mp4", None, 50 * 1024 * 1024).await;
    Fixture {
        a,
        ticket,
        photo,
        manual,
        too_large,
        tenant_a: app.token_of("tenant1@marketplace.test").await,
        tenant_b: app.token_of_seeded(&tenant_b).await,
        landlord_a: landlord_token(&app, a).await,
        landlord_b: landlord_token(&app, a % 3 + 1).await,
        admin: app.token_of("admin@marketplace.test").await,
        app,
    }
}

impl Fixture {
    async fn json(&self, token: &str) -> Value {
        let response = self.app.get_as(token, &format!("/api/maintenance/{}", self.ticket)).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    fn file_path(&self, file: Uuid) -> String {
        format!("/api/maintenance/{}/files/{file}", self.ticket)
    }
}

fn contents(body: &Value) -> Vec<(String, bool)> {
    let comments = body["comments"].as_array().unwrap();
    comments
        .iter()
        .map(|c| (c["content"].as_str().unwrap().to_owned(), c["for_residents"].as_bool().unwrap()))
        .collect()
}

#[tokio::test]
async fn the_ticket_carries_its_people_category_files_comments_and_history_with_who_and_when() {
    let f = fixture().await;
    let body = f.json(&f.landlord_a).await;
    assert_eq!((body["assignee"].as_str(), body["executor"].as_str()), (Some("Dispatcher Dana"), Some("Plumber Pete")));
    assert_eq!(body["category"]["label"], "Flat · Plumbing · Leak");
    assert_eq!(body["status_reason"], "Waiting for spare parts");
    assert_eq!(body["deadline_at"], "2026-12-24T09:00:00Z");
    let files = body["files"].as_array().unwrap();
    let urls: Vec<Option<&str>> = files.iter().map(|f| f["url"].as_str()).collect();
    let (photo, manual) = (f.file_path(f.photo), f.file_path(f.manual));
    assert_eq!(urls, [Some(photo.as_str()), Some(manual.as_str()), None], "served through us; the large one not kept");
    let images: Vec<bool> = files.iter().map(|f| f["is_image"].as_bool().unwrap()).collect();
    assert_eq!(images, [true, false, false]);
    assert_eq!(contents(&body), [(PUBLIC.to_owned(), true), (INTERNAL.to_owned(), false)]);
    assert_eq!(body["internal_comments_shown"], true);
    let history = body["status_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "opened, then the change: {history:?}");
    assert_eq!(
        (history[0]["status"].as_str(), history[0]["at"].as_str()),
        (Some("new_or_reopened"), Some("2026-11-02T08:00:00+00:00"))
    );
    let change = &history[1];
    assert_eq!(
        (change["status"].as_str(), change["from"].as_str(), change["by"].as_str(), change["reason"].as_str()),
        (Some("deferred"), Some("new_or_reopened"), Some("Dispatcher Dana"), Some("Waiting for spare parts"))
    );
    assert_eq!(f.json(&f.admin).await["comments"].as_array().unwrap().len(), 2, "admins see every comment");
}

#[tokio::test]
async fn an_internal_comment_never_reaches_the_tenant_neither_as_json_nor_on_the_page() {
    let f = fixture().await;
    let body = f.json(&f.tenant_a).await;
    assert_eq!(contents(&body), [(PUBLIC.to_owned(), true)]);
    assert_eq!(body["internal_comments_shown"], false);
    assert!(!body.to_string().contains("disputes"), "not anywhere in the answer");

    let tenant = browser_session(&f.app, "tenant1@marketplace.test").await;
    let page = tenant.get(format!("{}/maintenance/{}", f.app.address, f.ticket)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(PUBLIC) && !html.contains("disputes"), "the tenant's page");
    assert!(html.contains(&format!("src=\"{}\"", f.file_path(f.photo))), "the photo as a thumbnail");
    assert!(html.contains("Plumber Pete") && html.contains("Flat · Plumbing · Leak"));

    let landlord = browser_session(&f.app, &format!("landlord{}@marketplace.test", f.a)).await;
    let page = landlord.get(format!("{}/maintenance/{}", f.app.address, f.ticket)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(PUBLIC) && html.contains(INTERNAL), "the owner sees both");
    assert!(html.contains("Visible to the tenant") && html.contains(">Internal<"));
    assert!(html.contains("Dispatcher Dana") && html.contains("Reason: Waiting for spare parts"));
}

#[tokio::test]
async fn a_file_is_served_to_whoever_sees_its_ticket_and_is_a_404_for_everyone_else() {
    let f = fixture().await;
    let photo = f.file_path(f.photo);
    for (who, token, status) in [
        ("tenant A", &f.tenant_a, 200),
        ("tenant B", &f.tenant_b, 404),
        ("landlord A", &f.landlord_a, 200),
        ("landlord B", &f.landlord_b, 404),
        ("admin", &f.admin, 200),
    ] {
        assert_eq!(f.app.get_as(token, &photo).await.status(), status, "{who}");
        let listed = f.app.get_as(token, &format!("/api/maintenance/{}", f.ticket)).await.status();
        assert_eq!(listed, status, "{who} reads the ticket exactly when they may read its files");
    }
    let response = f.app.get_as(&f.tenant_a, &photo).await;
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-disposition"), "inline; filename=\"leak.png\"; filename*=UTF-8''leak.png");
    assert!(header("cache-control").starts_with("private"), "{}", header("cache-control"));
    assert!(header("content-security-policy").contains("sandbox"));
    assert_eq!(response.bytes().await.unwrap().as_ref(), PHOTO);

    let manual = f.app.get_as(&f.landlord_a, &f.file_path(f.manual)).await;
    let disposition = manual.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"valve manual.pdf\""), "{disposition}");
    assert_eq!(f.app.get_as(&f.admin, &f.file_path(f.too_large)).await.status(), 404, "bytes not kept");
    let elsewhere = format!("/api/maintenance/{}/files/{}", Uuid::new_v4(), f.photo);
    assert_eq!(f.app.get_as(&f.admin, &elsewhere).await.status(), 404, "a file only under its own ticket");
    assert_eq!(f.app.get_as(&f.admin, &format!("/api/maintenance/{}/files/x", f.ticket)).await.status(), 404);
    assert_eq!(f.app.get(&photo).await.status(), 401);
    let browser = browser_session(&f.app, "tenant1@marketplace.test").await;
    let thumbnail = browser.get(format!("{}{photo}", f.app.address)).send().await.unwrap();
    assert_eq!(thumbnail.status(), 200, "the page's <img> works with the session cookie");
}
