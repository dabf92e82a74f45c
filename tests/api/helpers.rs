//! Starting the real application on port 0 with a database of its own.

use marketplace::config::Config;
use marketplace::startup::Application;
use sqlx::{Connection, Executor, PgConnection, PgPool};

/// The password of the demo accounts in these tests.
pub const DEMO_PASSWORD: &str = "a demo password for tests";

/// The `MARKETPLACE_METRICS_TOKEN` of the test servers.
pub const METRICS_TOKEN: &str = "metrics-token-of-the-test-servers";

/// One signing key for every test of this process (RSA generation is slow).
static KEYS_DIR: std::sync::LazyLock<std::path::PathBuf> = std::sync::LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("mkt-test-keys-{}", uuid::Uuid::new_v4()));
    app::server::auth::keys::ensure_signing_key(&dir).expect("generate a signing key");
    dir
});

/// The signing keys the test servers use.
pub fn keys_dir() -> std::path::PathBuf {
    KEYS_DIR.clone()
}

/// A running server and a handle on its database.
pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub client: reqwest::Client,
    /// The configuration the server runs with.
    pub config: Config,
}

impl TestApp {
    /// Signs in through the JSON API and returns the response.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/auth/login", self.address))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("request failed")
    }

    /// Signs in a demo account and returns its access token.
    pub async fn token_of(&self, email: &str) -> String {
        let body: serde_json::Value = self.login(email, DEMO_PASSWORD).await.json().await.expect("json");
        body["access_token"].as_str().expect("an access token").to_owned()
    }

    /// Gives a seeded account without a password (only the three demo logins
    /// have one) the demo password, and returns its access token.
    pub async fn token_of_seeded(&self, email: &str) -> String {
        let user =
            app::server::store::app_user::find_user_by_email(&self.pool, email).await.unwrap().expect("a seeded user");
        let hash = app::server::auth::password::hash_password(DEMO_PASSWORD.to_owned()).await.unwrap();
        app::server::store::app_user::set_password(&self.pool, user.id, &hash).await.unwrap();
        self.token_of(email).await
    }

    /// GETs a path with a Bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).bearer_auth(token).send().await.expect("request failed")
    }

    /// GETs a path as the operator's tools do (the metrics token).
    pub async fn get_as_operator(&self, path: &str) -> reqwest::Response {
        self.get_as(METRICS_TOKEN, path).await
    }

    /// GETs a path and returns the response.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request failed")
    }
}

/// Creates an empty database on the `DATABASE_URL` server and returns its URL.
pub async fn fresh_database() -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL must point at a PostgreSQL server for these tests");
    let base = base.split('?').next().unwrap_or(&base).to_owned();
    let server = base.rsplit_once('/').map(|(s, _)| s.to_owned()).unwrap_or(base);
    let name = format!("mkt_it_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&format!("{server}/postgres")).await.expect("connect to postgres");
    // The name is ours (a UUID), so building the statement from it is safe.
    let create = sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#));
    admin.execute(sqlx::raw_sql(create)).await.expect("create database");
    format!("{server}/{name}")
}

/// An empty, migrated database with the demo data: its URL and a pool on it.
pub async fn seeded_database() -> (String, PgPool) {
    let url = fresh_database().await;
    let pool = app::server::db::connect(&url, 4).await.expect("connect");
    app::server::db::migrate(&pool).await.expect("migrate");
    seed(&pool).await;
    (url, pool)
}

/// Loads the demo data, laid out around a fixed day.
async fn seed(pool: &PgPool) {
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).expect("date");
    app::server::seed::seed_demo(pool, anchor, Some(DEMO_PASSWORD)).await.expect("seed demo data");
}

/// Starts the application; with `seed`, loads the demo data first.
pub async fn spawn_app(seed: bool) -> TestApp {
    spawn_app_with(seed, &[]).await
}

/// Starts the application on a database of its own, with extra environment
/// variables (`KEY`, value).
pub async fn spawn_app_with(seed: bool, vars: &[(&str, &str)]) -> TestApp {
    spawn_app_on(&fresh_database().await, seed, vars).await
}

/// Starts the application on the database at `database_url` (several
/// servers may share one), with extra environment variables. Its scheduler
/// runs what is asked for (webhook deliveries, "sync now", follow-ups) at
/// once; nothing runs on a schedule unless `vars` sets one.
pub async fn spawn_app_on(database_url: &str, with_demo_data: bool, vars: &[(&str, &str)]) -> TestApp {
    let extra: std::collections::HashMap<String, String> =
        vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    // Each server writes its mail (no SMTP server set) to a folder of its own.
    let mail_dir = std::env::temp_dir().join(format!("mkt-mail-{}", uuid::Uuid::new_v4().simple()));
    let config = Config::from_lookup(|key| match key {
        "DATABASE_URL" => Some(database_url.to_owned()),
        "MARKETPLACE_PORT" => Some("0".into()),
        "MARKETPLACE_DB_MAX_CONNECTIONS" => Some("4".into()),
        "MARKETPLACE_KEYS_DIR" => Some(keys_dir().to_string_lossy().into_owned()),
        "MARKETPLACE_MAIL_DIR" => {
            Some(extra.get(key).cloned().unwrap_or_else(|| mail_dir.to_string_lossy().into_owned()))
        }
        "MARKETPLACE_SCHEDULER_TICK" => Some(extra.get(key).cloned().unwrap_or_else(|| "200ms".into())),
        "MARKETPLACE_METRICS_TOKEN" => Some(extra.get(key).cloned().unwrap_or_else(|| METRICS_TOKEN.into())),
        other if other.starts_with("MARKETPLACE_SCHEDULE_") && other != "MARKETPLACE_SCHEDULE_JITTER" => {
            Some(extra.get(other).cloned().unwrap_or_else(|| "off".into()))
        }
        other => extra.get(other).cloned(),
    })
    .expect("test configuration");
    let application = Application::build(config.clone()).await.expect("build application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let pool = application.state().pool.clone();
    if with_demo_data {
        seed(&pool).await;
    }
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { address, pool, client, config }
}

/// POSTs `body` as JSON with a Bearer token: the status and the JSON answer
/// (`null` when there is none).
pub async fn post_json(app: &TestApp, token: &str, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response =
        app.client.post(format!("{}{path}", app.address)).bearer_auth(token).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

/// The field an API refusal names (the part of its message before `:`).
pub fn field_of(body: &serde_json::Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default().split(':').next().unwrap_or_default()
}
