//! People, full stack: an admin invites by e-mail (a file sink here, a real
//! SMTP exchange in one test), the link sets a password once, a disabled
//! user cannot sign in and loses their sessions, and the CLI creates the
//! first admin of a fresh install.

use std::io::Write as _;
use std::process::{Command, Stdio};

use app::server::audit::Actor;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn invite(app: &TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = app.client.post(format!("{}/api/manage/users", app.address)).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The token at the end of a set-password link.
fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

async fn set_password_form(app: &TestApp, token: &str, password: &str, confirm: &str) -> String {
    let response = app
        .client
        .post(format!("{}/set-password/{token}", app.address))
        .header("Origin", &app.address)
        .form(&[("password", password), ("confirm", confirm)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_invited_landlord_sets_a_password_once_and_signs_in() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let body = json!({ "email": "new.landlord@example.com", "role": "landlord", "name": "Nora Landlord" });

    assert_eq!(invite(&app, None, body.clone()).await.0, 401);
    let landlord = app.token_of("landlord1@marketplace.test").await;
    assert_eq!(invite(&app, Some(&landlord), body.clone()).await.0, 403);
    let (status, invited) = invite(&app, Some(&admin), body.clone()).await;
    assert_eq!(status, 201, "{invited}");
    assert_eq!((&invited["state"], &invited["role"]), (&json!("invited"), &json!("landlord")));
    let link = invited["invitation_link"].as_str().expect("no SMTP server: the link is in the answer").to_owned();
    let mails: Vec<_> = std::fs::read_dir(&app.config.mail.dir).unwrap().collect();
    assert_eq!(mails.len(), 1);
    // The body is quoted-printable: long lines carry soft breaks.
    let mail = std::fs::read_to_string(mails[0].as_ref().unwrap().path()).unwrap().replace("=\r\n", "");
    assert!(
        mail.contains("To: \"Nora Landlord\" <new.landlord@example.com>") || mail.contains("new.landlord@example.com")
    );
    assert!(mail.contains(&link), "the mail carries the link");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM user_token WHERE token_hash = $1")
        .bind(token_of(&link))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "only a hash of the token is stored");

    assert_eq!(invite(&app, Some(&admin), body).await.0, 409, "a known e-mail");
    for (bad, field) in [
        (json!({ "email": "not-an-address", "role": "tenant" }), "email"),
        (json!({ "email": "x@example.com", "role": "owner" }), "role"),
    ] {
        let (status, body) = invite(&app, Some(&admin), bad).await;
        assert_eq!(status, 400);
        assert!(body["error"]["message"].as_str().unwrap().starts_with(field), "{body}");
    }
    let listed: Vec<Value> = app.get_as(&admin, "/api/manage/users?role=landlord&q=nora").await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["state"], "invited");
    assert_eq!(app.get_as(&admin, "/api/manage/users?role=owner").await.status(), 400);

    let token = token_of(&link);
    let page = app.get(&format!("/set-password/{token}")).await.text().await.unwrap();
    assert!(page.contains("name=\"confirm\""), "the form is shown for a live link");
    let to = set_password_form(&app, &token, "a long new password", "another long password").await;
    assert!(to.ends_with("?error=mismatch"), "{to}");
    assert!(set_password_form(&app, &token, "short", "short").await.ends_with("?error=weak"));
    let to = set_password_form(&app, &token, "a long new password", "a long new password").await;
    assert_eq!(to, "/login?notice=password_set");
    assert_eq!(app.login("new.landlord@example.com", "a long new password").await.status(), 200);
    assert!(
        set_password_form(&app, &token, "yet another password", "yet another password")
            .await
            .ends_with("?error=expired")
    );
    let page = app.get(&format!("/set-password/{token}")).await.text().await.unwrap();
    assert!(page.contains("set-password-expired") && !page.contains("name=\"confirm\""), "a used link says so");
    let again = app
        .client
        .post(format!("{}/api/auth/set-password", app.address))
        .json(&json!({ "token": token, "password": "yet another password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "single use");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'user' ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(actions, ["user.invite", "user.set_password"]);
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_and_loses_their_sessions() {
    let app = spawn_app(true).await;
    let signed_in: Value =
        app.login("tenant1@marketplace.test", crate::helpers::DEMO_PASSWORD).await.json().await.unwrap();
    let refresh = signed_in["refresh_token"].as_str().unwrap().to_owned();
    app::server::people::disable(&app.pool, &Actor::cli(), "tenant1@marketplace.test").await.unwrap();
    assert_eq!(app.login("tenant1@marketplace.test", crate::helpers::DEMO_PASSWORD).await.status(), 403);
    let refreshed = app
        .client
        .post(format!("{}/api/auth/refresh", app.address))
        .json(&json!({ "refresh_token": refresh }))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 401, "the session is gone");
    let form = app
        .client
        .post(format!("{}/login", app.address))
        .header("Origin", &app.address)
        .form(&[("email", "tenant1@marketplace.test"), ("password", crate::helpers::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(form.headers()["location"].to_str().unwrap().contains("error=disabled"));
    let again = app::server::people::disable(&app.pool, &Actor::cli(), "tenant1@marketplace.test").await;
    assert!(again.is_err(), "already disabled");
}

/// A minimal SMTP server: accepts one message and returns what it was told.
async fn smtp_sink() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut transcript = String::new();
        write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            transcript.push_str(&line);
            transcript.push('\n');
            let reply: &[u8] = if in_data {
                if line == "." {
                    in_data = false;
                    b"250 queued\r\n"
                } else {
                    continue;
                }
            } else {
                match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                    "EHLO" | "HELO" => b"250 sink\r\n",
                    "DATA" => {
                        in_data = true;
                        b"354 go on\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    }
                    _ => b"250 ok\r\n",
                }
            };
            write.write_all(reply).await.unwrap();
        }
        transcript
    });
    (port, task)
}

#[tokio::test]
async fn with_an_smtp_server_the_link_is_mailed_and_not_shown() {
    let (port, sink) = smtp_sink().await;
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(true, &[("MARKETPLACE_SMTP_URL", &url)]).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let (status, invited) =
        invite(&app, Some(&admin), json!({ "email": "mailed@example.com", "role": "tenant" })).await;
    assert_eq!(status, 201, "{invited}");
    assert!(invited["invitation_link"].is_null(), "the link goes by mail only");
    let transcript = tokio::time::timeout(std::time::Duration::from_secs(30), sink).await.unwrap().unwrap();
    assert!(transcript.contains("RCPT TO:<mailed@example.com>"), "{transcript}");
    assert!(transcript.contains("/set-password/"), "{transcript}");
}

#[tokio::test]
async fn the_cli_adds_the_first_admin_with_a_password_from_standard_input() {
    let app = spawn_app(false).await;
    let database_url = app.config.database_url.expose().to_owned();
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(["users", "add", "--email", "root@example.com", "--role", "admin", "--password-stdin"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &database_url)
        .env("MARKETPLACE_MAIL_DIR", &app.config.mail.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"the first admin password\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(app.login("root@example.com", "the first admin password").await.status(), 200);
    let list = Command::new(env!("CARGO_BIN_EXE_marketplace"))
        .args(["users", "list"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &database_url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("root@example.com\tadmin\tActive"), "{text}");
    let actor: String =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'user.add'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(actor, "cli");
}

#[tokio::test]
async fn an_admin_corrects_an_e_mail_and_a_name_once_and_taken_addresses_are_refused() {
    let app = spawn_app(true).await;
    let admin = app.token_of("admin@marketplace.test").await;
    let landlord = app.token_of("landlord1@marketplace.test").await;
    let tenant_id = app::server::seed::demo_id("tenant1@marketplace.test");
    let put = async |token: &str, id: uuid::Uuid, body: Value| {
        let response = app
            .client
            .put(format!("{}/api/manage/users/{id}", app.address))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or(Value::Null))
    };
    let profile = |email: &str, name: &str| json!({ "email": email, "name": name });
    let field = |body: &Value| {
        body["error"]["message"].as_str().unwrap_or_default().split(':').next().unwrap_or_default().to_owned()
    };

    assert_eq!(put(&landlord, tenant_id, profile("t1@example.com", "Tess")).await.0, 403, "admins only");
    assert_eq!(put(&admin, uuid::Uuid::new_v4(), profile("t1@example.com", "Tess")).await.0, 404);
    let (status, body) = put(&admin, tenant_id, profile("not-an-address", "Tess")).await;
    assert_eq!((status, field(&body)), (400, "email".to_owned()), "{body}");
    let (status, body) = put(&admin, tenant_id, profile("t1@example.com", " ")).await;
    assert_eq!((status, field(&body)), (400, "name".to_owned()), "{body}");
    let (status, body) = put(&admin, tenant_id, profile("LANDLORD1@marketplace.test", "Tess")).await;
    assert_eq!((status, field(&body)), (409, "email".to_owned()), "another account's address: {body}");
    assert_eq!(put(&admin, tenant_id, json!({ "email": 5 })).await.0, 400, "a malformed body");

    let (status, changed) = put(&admin, tenant_id, profile(" tess.new@example.com ", "Tess Mercier")).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!((&changed["email"], &changed["changed"]), (&json!("tess.new@example.com"), &json!(true)));
    let (_, again) = put(&admin, tenant_id, profile("tess.new@example.com", "Tess Mercier")).await;
    assert_eq!(again["changed"], false, "the same values change nothing");
    let (version, audited): (i32, i64) = sqlx::query_as(
        "SELECT u.profile_version, (SELECT count(*) FROM audit_log a WHERE a.action = 'user.profile'
                                     AND a.entity_id = u.id::text AND a.before->>'email' = 'tenant1@marketplace.test')
         FROM app_user u WHERE u.id = $1",
    )
    .bind(tenant_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((version, audited), (1, 1), "one change, one version, one audit entry with the old address");
    let signed_in = app.login("tess.new@example.com", crate::helpers::DEMO_PASSWORD).await;
    assert_eq!(signed_in.status(), 200, "the new address signs in");
}
