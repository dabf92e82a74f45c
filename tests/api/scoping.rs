//! Scoping: each role sees only its own data, browsers are redirected to
//! sign in, and cross-site form posts are refused.

use app::server::seed::demo_id;
use serde_json::Value;

use crate::helpers::{DEMO_PASSWORD, spawn_app};

#[tokio::test]
async fn a_tenant_reading_another_tenants_invoice_gets_404() {
    let app = spawn_app(true).await;
    let token = app.token_of("tenant1@marketplace.test").await;
    let (own, other): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT (SELECT id FROM invoice WHERE tenant_id = $1 LIMIT 1), (SELECT id FROM invoice WHERE tenant_id <> $1 LIMIT 1)",
    )
    .bind(demo_id("tenant1@marketplace.test"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(app.get_as(&token, &format!("/api/invoices/{own}")).await.status(), 200);
    let theirs = app.get_as(&token, &format!("/api/invoices/{other}")).await;
    assert_eq!(theirs.status(), 404, "not 403: no existence leak");
    let missing = app.get_as(&token, &format!("/api/invoices/{}", uuid::Uuid::nil())).await;
    assert_eq!(missing.status(), 404);
    let admin = app.token_of("admin@marketplace.test").await;
    assert_eq!(app.get_as(&admin, &format!("/api/invoices/{other}")).await.status(), 200, "admins see everything");
}

#[tokio::test]
async fn a_landlord_reading_another_landlords_property_is_refused() {
    let app = spawn_app(true).await;
    let token = app.token_of("landlord1@marketplace.test").await;
    let mine: Vec<Value> = app.get_as(&token, "/api/my/properties").await.json().await.unwrap();
    assert_eq!(mine.len(), 5);
    let own = mine[0]["id"].as_str().unwrap();
    assert_eq!(app.get_as(&token, &format!("/api/my/properties/{own}")).await.status(), 200);
    let other: uuid::Uuid = sqlx::query_scalar("SELECT id FROM property WHERE landlord_id <> $1 LIMIT 1")
        .bind(demo_id("landlord1@marketplace.test"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.get_as(&token, &format!("/api/my/properties/{other}")).await.status(), 404);
    assert_eq!(
        app.get_as(&token, &format!("/api/my/properties/{other}/tickets")).await.status(),
        404,
        "nor its tickets"
    );
    for (property, title) in [(own.to_owned(), "Leaking tap"), (other.to_string(), "Broken lift")] {
        sqlx::query(
            "INSERT INTO maintenance_ticket (id, source, property_id, title, status, opened_at, source_updated_at)
             VALUES (gen_random_uuid(), 'local', $1::uuid, $2, 'processing', now(), now())",
        )
        .bind(property)
        .bind(title)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let own_tickets: Vec<Value> =
        app.get_as(&token, &format!("/api/my/properties/{own}/tickets")).await.json().await.unwrap();
    assert_eq!(own_tickets.len(), 1);
    assert_eq!(own_tickets[0]["title"], "Leaking tap");
    let tenant = app.token_of("tenant1@marketplace.test").await;
    assert_eq!(app.get_as(&tenant, "/api/my/properties").await.status(), 403);
}

pub async fn browser_session(app: &crate::helpers::TestApp, email: &str) -> reqwest::Client {
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .post(format!("{}/login", app.address))
        .header("Origin", &app.address)
        .form(&[("email", email), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "signed in");
    client
}

#[tokio::test]
async fn tenants_and_landlords_are_refused_the_admin_panel() {
    let app = spawn_app(true).await;
    for email in ["tenant1@marketplace.test", "landlord1@marketplace.test"] {
        let client = browser_session(&app, email).await;
        let page = client.get(format!("{}/admin/system-status", app.address)).send().await.unwrap();
        assert_eq!(page.status(), 403, "{email}");
        assert!(!page.text().await.unwrap().contains("Failures in a row"));
    }
    let admin = browser_session(&app, "admin@marketplace.test").await;
    let page = admin.get(format!("{}/admin/system-status", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for name in ["Kill Bill", "Condo", "Cocorico"] {
        assert!(html.contains(name), "{name}");
    }
    assert_eq!(html.matches("Not configured yet").count(), 3, "every integration from its sync-state row");
}

#[tokio::test]
async fn without_a_session_account_and_admin_pages_redirect_to_login() {
    let app = spawn_app(true).await;
    for (path, next) in [("/account", "/account"), ("/admin/system-status", "/admin/system-status")] {
        let url = format!("{}{path}", app.address);
        let response = app.client.get(url).header("Accept", "text/html").send().await.unwrap();
        assert!(response.status().is_redirection(), "{path}: {}", response.status());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, format!("/login?next={next}"));
    }
}

#[tokio::test]
async fn a_tenant_sees_their_invoices_on_the_account_page() {
    let app = spawn_app(true).await;
    let client = browser_session(&app, "tenant1@marketplace.test").await;
    let page = client.get(format!("{}/account", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("data-status=\"").count(), 12, "twelve invoices");
    assert!(html.contains("Paid"));
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let app = spawn_app(true).await;
    let client = browser_session(&app, "tenant1@marketplace.test").await;
    let forged =
        client.post(format!("{}/logout", app.address)).header("Origin", "https://evil.example").send().await.unwrap();
    assert_eq!(forged.status(), 403);
    let no_origin = client.post(format!("{}/logout", app.address)).send().await.unwrap();
    assert_eq!(no_origin.status(), 403, "a cookie-carrying post that hides its origin");
    let page = client.get(format!("{}/account", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 200, "still signed in");
}
