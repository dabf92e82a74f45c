//! Sessions and login limits under pressure: parallel refreshes, replays,
//! logout and disabling ending access tokens, the absolute session age,
//! concurrent guesses and the client address behind a proxy.

use serde_json::{Value, json};
use std::time::{Duration, Instant};

use crate::helpers::{DEMO_PASSWORD, TestApp, spawn_app, spawn_app_with};

const TENANT: &str = "tenant1@marketplace.test";

async fn refresh(app: &TestApp, token: &Value) -> reqwest::Response {
    let url = format!("{}/api/auth/refresh", app.address);
    app.client.post(url).json(&json!({ "refresh_token": token })).send().await.unwrap()
}

async fn sign_in(app: &TestApp) -> Value {
    let response = app.login(TENANT, DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Waits (a few seconds at most) for the other replicas' view of revoked
/// sessions to include this one: the deny-list is read every 2 s.
async fn refused_within_seconds(app: &TestApp, access: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if app.get_as(access, "/api/me").await.status() == 401 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn eight_parallel_refreshes_of_one_token_share_one_new_token() {
    let app = spawn_app(true).await;
    let first = sign_in(&app).await;
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = app
            .client
            .post(format!("{}/api/auth/refresh", app.address))
            .json(&json!({ "refresh_token": first["refresh_token"] }));
        racing.spawn(async move {
            let answer = request.send().await.unwrap();
            (answer.status().as_u16(), answer.json::<Value>().await.unwrap_or_default())
        });
    }
    let mut new_tokens = Vec::new();
    for (status, body) in racing.join_all().await {
        assert_eq!(status, 200, "a parallel refresh by the same browser is not a replay: {body}");
        assert_eq!(app.get_as(body["access_token"].as_str().unwrap(), "/api/me").await.status(), 200);
        new_tokens.push(body["refresh_token"].as_str().unwrap().to_owned());
    }
    new_tokens.dedup();
    assert_eq!(new_tokens.len(), 1, "every racer got the same new refresh token");
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM refresh_token t JOIN app_user u ON u.id = t.user_id
         WHERE u.email = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL",
    )
    .bind(TENANT)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(live, 1, "exactly one live member of the session, no orphan");
    assert_eq!(refresh(&app, &json!(new_tokens[0])).await.status(), 200, "the shared token works");
}

#[tokio::test]
async fn a_token_replayed_after_its_successor_was_used_ends_the_session() {
    let app = spawn_app(true).await;
    let first = sign_in(&app).await;
    let second: Value = refresh(&app, &first["refresh_token"]).await.json().await.unwrap();
    let third = refresh(&app, &second["refresh_token"]).await;
    assert_eq!(third.status(), 200);
    let third: Value = third.json().await.unwrap();
    assert_eq!(refresh(&app, &first["refresh_token"]).await.status(), 401, "the replay");
    assert_eq!(refresh(&app, &third["refresh_token"]).await.status(), 401, "the session is revoked");
    let access = third["access_token"].as_str().unwrap();
    assert_eq!(app.get_as(access, "/api/me").await.status(), 401, "and so are its access tokens, at once");
}

#[tokio::test]
async fn logout_ends_the_access_token_too() {
    let app = spawn_app(true).await;
    let tokens = sign_in(&app).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get_as(access, "/api/me").await.status(), 200);
    let out = app
        .client
        .post(format!("{}/api/auth/logout", app.address))
        .json(&json!({ "refresh_token": tokens["refresh_token"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(app.get_as(access, "/api/me").await.status(), 401, "refused before its 15 minutes are up");

    // A second replica on the same database learns of it within seconds.
    let other = crate::helpers::spawn_app_on(&database_url(&app), false, &[]).await;
    let elsewhere = sign_in(&other).await;
    let access = elsewhere["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&access, "/api/me").await.status(), 200);
    let out = other
        .client
        .post(format!("{}/api/auth/logout", other.address))
        .bearer_auth(&access)
        .json(&json!({ "refresh_token": "not-a-token" }))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(refused_within_seconds(&app, &access).await, "the first server refuses it too");
}

#[tokio::test]
async fn the_browser_logout_ends_the_access_cookie() {
    let app = spawn_app(true).await;
    let client = crate::scoping::browser_session(&app, TENANT).await;
    assert_eq!(client.get(format!("{}/api/me", app.address)).send().await.unwrap().status(), 200);
    let out = client.post(format!("{}/logout", app.address)).header("Origin", &app.address).send().await.unwrap();
    assert_eq!(out.status(), 303);
    // A copy of the cookies taken before the logout no longer signs anyone in.
    let login = app
        .client
        .post(format!("{}/login", app.address))
        .header("Origin", &app.address)
        .form(&[("email", TENANT), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let stolen = cookies.join("; ");
    let me = |cookie: String| {
        let url = format!("{}/api/me", app.address);
        let client = app.client.clone();
        async move { client.get(url).header("Cookie", cookie).send().await.unwrap().status() }
    };
    assert_eq!(me(stolen.clone()).await, 200);
    let out = app
        .client
        .post(format!("{}/logout", app.address))
        .header("Origin", &app.address)
        .header("Cookie", &stolen)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(me(stolen).await, 401, "the copied cookies are dead");
}

#[tokio::test]
async fn disabling_a_user_ends_their_access_tokens() {
    let app = spawn_app(true).await;
    let tokens = sign_in(&app).await;
    let access = tokens["access_token"].as_str().unwrap();
    let actor = app::server::audit::Actor::cli();
    app::server::people::disable(&app.pool, &actor, TENANT).await.unwrap();
    assert!(refused_within_seconds(&app, access).await, "a disabled user's token stops working");
}

#[tokio::test]
async fn a_session_ends_at_its_maximum_age_however_often_it_refreshes() {
    let app = spawn_app_with(true, &[("MARKETPLACE_SESSION_MAX_AGE", "7d")]).await;
    let first = sign_in(&app).await;
    let second = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    let ends: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT max(expires_at) FROM refresh_token t JOIN app_user u ON u.id = t.user_id WHERE u.email = $1",
    )
    .bind(TENANT)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let days = (ends - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!(days <= 7.0, "no refresh token outlives the session: {days} days");
    // Eight days later (the sign-in moved back in time), the refresh is refused.
    sqlx::query("UPDATE session_family SET started_at = started_at - interval '8 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE refresh_token SET expires_at = now() + interval '1 day'").execute(&app.pool).await.unwrap();
    assert_eq!(refresh(&app, &second["refresh_token"]).await.status(), 401);
}

#[tokio::test]
async fn fifteen_simultaneous_guesses_on_one_account_check_at_most_five() {
    let app = spawn_app(true).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..15 {
        let password = if i == 14 { DEMO_PASSWORD } else { "guess" };
        let request = app
            .client
            .post(format!("{}/api/auth/login", app.address))
            .json(&json!({ "email": TENANT, "password": password }));
        guesses.spawn(async move {
            let answer = request.send().await.unwrap();
            (answer.status().as_u16(), answer.headers().contains_key("retry-after"))
        });
    }
    let answers = guesses.join_all().await;
    let checked = answers.iter().filter(|(status, _)| *status != 429).count();
    assert!((1..=5).contains(&checked), "{checked} passwords were checked: {answers:?}");
    assert!(answers.iter().filter(|(status, _)| *status == 429).all(|(_, wait)| *wait), "each refusal says when");
}

#[tokio::test]
async fn an_overlong_e_mail_is_refused_before_anything_is_counted() {
    let app = spawn_app(true).await;
    let huge = format!("{}@x.test", "a".repeat(64 * 1024));
    assert_eq!(app.login(&huge, "guess").await.status(), 401);
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM login_throttle").fetch_one(&app.pool).await.unwrap();
    assert_eq!(keys, 0);
}

async fn login_from(app: &TestApp, forwarded_for: &str, email: &str) -> u16 {
    app.client
        .post(format!("{}/api/auth/login", app.address))
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({ "email": email, "password": "guess" }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let app = spawn_app_with(true, &[("MARKETPLACE_TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    for i in 0..20 {
        assert_eq!(login_from(&app, "203.0.113.1", &format!("nobody{i}@x.test")).await, 401);
    }
    assert_eq!(login_from(&app, "203.0.113.1", "one-more@x.test").await, 429, "that client is at its limit");
    assert_eq!(login_from(&app, "203.0.113.2", "one-more@x.test").await, 401, "another client is not");
    // Everyone else still signs in.
    assert_eq!(app.login(TENANT, DEMO_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_header_is_ignored() {
    let app = spawn_app(true).await;
    for i in 0..20 {
        assert_eq!(login_from(&app, &format!("198.51.100.{i}"), &format!("nobody{i}@x.test")).await, 401);
    }
    assert_eq!(login_from(&app, "198.51.100.99", "one-more@x.test").await, 429, "the peer is the client");
}

fn database_url(app: &TestApp) -> String {
    app.config.database_url.expose().to_owned()
}
