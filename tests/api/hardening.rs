//! Defences every response and the sign-in form keep: `next` never leaves
//! our site, and security headers are on pages and JSON alike.

use crate::helpers::{DEMO_PASSWORD, spawn_app, spawn_app_with};

#[tokio::test]
async fn after_signing_in_next_never_leads_off_our_site() {
    let app = spawn_app(true).await;
    for hostile in ["/\t/evil.test", "//evil.test", "/\\evil.test", "https://evil.test", "/\r\nSet-Cookie: a=b"] {
        let response = app
            .client
            .post(format!("{}/login", app.address))
            .header("Origin", &app.address)
            .form(&[("email", "tenant1@marketplace.test"), ("password", DEMO_PASSWORD), ("next", hostile)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{hostile:?}: never a 500");
        assert_eq!(response.headers()["location"], "/account", "{hostile:?}");
    }
    let response = app
        .client
        .post(format!("{}/login", app.address))
        .header("Origin", &app.address)
        .form(&[("email", "tenant1@marketplace.test"), ("password", DEMO_PASSWORD), ("next", "/properties?city=Lyon")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/properties?city=Lyon", "a local path is kept");
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_hsts_only_over_https() {
    let app = spawn_app(false).await;
    for path in ["/", "/login", "/api/health", "/no-such-page"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "{path}: not over plain http");
    }
    let secure = spawn_app_with(false, &[("MARKETPLACE_PUBLIC_URL", "https://marketplace.example.com")]).await;
    let response = secure.get("/").await;
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age=63072000"));
}
