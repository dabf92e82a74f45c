//! The token security matrix: every way a forged, stale or misdirected token
//! could get in, each a test that fails if the hole opens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{DEMO_PASSWORD, TestApp, keys_dir, spawn_app};

const TENANT: &str = "tenant1@marketplace.test";

fn our_kid() -> String {
    app::server::auth::KeyStore::load(&keys_dir()).unwrap().signing_kid().to_owned()
}

fn our_private_pem() -> Vec<u8> {
    std::fs::read(keys_dir().join(format!("{}.pem", our_kid()))).unwrap()
}

/// Valid claims for the demo tenant, to be spoiled one field at a time.
async fn tenant_claims(app: &TestApp) -> Value {
    let token = app.token_of(TENANT).await;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign_rs256(claims: &Value, kid: &str, pem: &[u8]) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(pem).unwrap()).unwrap()
}

async fn assert_refused(app: &TestApp, token: &str, case: &str) {
    let response = app.get_as(token, "/api/me").await;
    assert_eq!(response.status(), 401, "{case} must be refused");
}

#[tokio::test]
async fn a_valid_token_is_accepted_and_carries_role_and_tenant_id() {
    let app = spawn_app(true).await;
    let response = app.login(TENANT, DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    let me: Value = app.get_as(body["access_token"].as_str().unwrap(), "/api/me").await.json().await.unwrap();
    assert_eq!(me["role"], "tenant");
    assert_eq!(me["tenant_id"], me["sub"]);
    let claims = tenant_claims(&app).await;
    for claim in ["iss", "aud", "sub", "role", "tenant_id", "iat", "nbf", "exp", "jti", "sid"] {
        assert!(!claims[claim].is_null(), "{claim}");
    }
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_get_the_same_401() {
    let app = spawn_app(true).await;
    assert_eq!(app.login(TENANT, "wrong").await.status(), 401);
    assert_eq!(app.login("nobody@marketplace.test", DEMO_PASSWORD).await.status(), 401);
    assert_eq!(app.login("tenant2@marketplace.test", DEMO_PASSWORD).await.status(), 401, "no password set");
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = spawn_app(true).await;
    let claims = tenant_claims(&app).await;
    let header = URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": our_kid() }).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_refused(&app, &format!("{header}.{payload}."), "alg none").await;
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    let app = spawn_app(true).await;
    let claims = tenant_claims(&app).await;
    let public_pem = app::server::auth::KeyStore::load(&keys_dir()).unwrap().current_public_pem().to_owned();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(our_kid());
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(public_pem.as_bytes())).unwrap();
    assert_refused(&app, &token, "HS256 with the public key").await;
}

#[tokio::test]
async fn expired_early_and_misaddressed_tokens_are_refused() {
    let app = spawn_app(true).await;
    let base = tenant_claims(&app).await;
    let now = chrono::Utc::now().timestamp();
    let cases = [
        ("expired", json!({ "exp": now - 120, "iat": now - 1000, "nbf": now - 1000 })),
        ("nbf in the future", json!({ "nbf": now + 600 })),
        ("wrong iss", json!({ "iss": "someone-else" })),
        ("wrong aud", json!({ "aud": "another-service" })),
    ];
    for (case, changes) in cases {
        let mut claims = base.clone();
        for (k, v) in changes.as_object().unwrap() {
            claims[k] = v.clone();
        }
        assert_refused(&app, &sign_rs256(&claims, &our_kid(), &our_private_pem()), case).await;
    }
    let fine = sign_rs256(&base, &our_kid(), &our_private_pem());
    assert_eq!(app.get_as(&fine, "/api/me").await.status(), 200, "the unspoiled claims pass");
}

#[tokio::test]
async fn a_tampered_payload_is_refused() {
    let app = spawn_app(true).await;
    let token = app.token_of(TENANT).await;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["role"] = json!("admin");
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
    assert_refused(&app, &forged, "tampered payload").await;
}

#[tokio::test]
async fn unknown_kids_and_foreign_keys_are_refused() {
    let app = spawn_app(true).await;
    let claims = tenant_claims(&app).await;
    let other_dir = std::env::temp_dir().join(format!("other-keys-{}", uuid::Uuid::new_v4()));
    let other_kid = app::server::auth::keys::add_signing_key(&other_dir).unwrap();
    let other_pem = std::fs::read(other_dir.join(format!("{other_kid}.pem"))).unwrap();
    assert_refused(&app, &sign_rs256(&claims, &other_kid, &other_pem), "unknown kid").await;
    assert_refused(&app, &sign_rs256(&claims, &our_kid(), &other_pem), "another key under our kid").await;
    std::fs::remove_dir_all(other_dir).unwrap();
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_whole_family() {
    let app = spawn_app(true).await;
    let first: Value = app.login(TENANT, DEMO_PASSWORD).await.json().await.unwrap();
    let refresh = |token: Value| {
        let client = app.client.clone();
        let url = format!("{}/api/auth/refresh", app.address);
        async move { client.post(url).json(&json!({ "refresh_token": token })).send().await.unwrap() }
    };
    let second = refresh(first["refresh_token"].clone()).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    let third = refresh(second["refresh_token"].clone()).await;
    assert_eq!(third.status(), 200);
    let third: Value = third.json().await.unwrap();
    assert_eq!(refresh(first["refresh_token"].clone()).await.status(), 401, "replayed token");
    assert_eq!(refresh(third["refresh_token"].clone()).await.status(), 401, "the family is revoked");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app(true).await;
    let tokens: Value = app.login(TENANT, DEMO_PASSWORD).await.json().await.unwrap();
    let body = json!({ "refresh_token": tokens["refresh_token"] });
    let out = app.client.post(format!("{}/api/auth/logout", app.address)).json(&body).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let again = app.client.post(format!("{}/api/auth/refresh", app.address)).json(&body).send().await.unwrap();
    assert_eq!(again.status(), 401);
}

#[tokio::test]
async fn repeated_wrong_passwords_are_slowed_with_a_clear_429() {
    let app = spawn_app(true).await;
    for _ in 0..5 {
        assert_eq!(app.login(TENANT, "guess").await.status(), 401);
    }
    let blocked = app.login(TENANT, DEMO_PASSWORD).await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    assert!(blocked.headers().get("retry-after").is_some());
    let body: Value = blocked.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
}

#[tokio::test]
async fn the_jwks_publishes_the_signing_key() {
    let app = spawn_app(true).await;
    let jwks: Value = app.get("/.well-known/jwks.json").await.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kid"], our_kid());
    assert_eq!(keys[0]["alg"], "RS256");
    let token = app.token_of(TENANT).await;
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(keys[0].clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
    validation.set_audience(&["marketplace"]);
    assert!(jsonwebtoken::decode::<Value>(&token, &key, &validation).is_ok());
}

#[tokio::test]
async fn outside_demo_mode_the_server_refuses_to_start_without_a_signing_key() {
    let empty = std::env::temp_dir().join(format!("no-keys-{}", uuid::Uuid::new_v4()));
    let database_url = crate::helpers::fresh_database().await;
    let lookup = |demo: &'static str| {
        let (url, dir) = (database_url.clone(), empty.to_string_lossy().into_owned());
        let public = empty.join("public.pem").to_string_lossy().into_owned();
        move |key: &str| match key {
            "DATABASE_URL" => Some(url.clone()),
            "MARKETPLACE_PORT" => Some("0".into()),
            "MARKETPLACE_KEYS_DIR" => Some(dir.clone()),
            "MARKETPLACE_PUBLIC_KEY_PATH" => Some(public.clone()),
            "MARKETPLACE_DEMO" => Some(demo.into()),
            _ => None,
        }
    };
    let config = marketplace::config::Config::from_lookup(lookup("false")).unwrap();
    let err = marketplace::startup::Application::build(config).await.err().expect("refused");
    assert!(format!("{err:#}").contains("marketplace keys generate"), "{err:#}");
    let demo = marketplace::config::Config::from_lookup(lookup("true")).unwrap();
    assert!(marketplace::startup::Application::build(demo).await.is_ok(), "the demo generates its key");
    assert!(empty.join("public.pem").exists(), "and publishes the public half");
    std::fs::remove_dir_all(empty).unwrap();
}
