//! Starting the real application on port 0 with a database of its own.

use marketplace::config::Config;
use marketplace::startup::Application;
use sqlx::{Connection, Executor, PgConnection, PgPool};

/// A running server and a handle on its database.
pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub client: reqwest::Client,
}

impl TestApp {
    /// GETs a path and returns the response.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request failed")
    }
}

/// Creates an empty database on the `DATABASE_URL` server and returns its URL.
async fn fresh_database() -> String {
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

/// Starts the application; with `seed`, loads the demo data first.
pub async fn spawn_app(seed: bool) -> TestApp {
    let database_url = fresh_database().await;
    let config = Config::from_lookup(|key| match key {
        "DATABASE_URL" => Some(database_url.clone()),
        "MARKETPLACE_PORT" => Some("0".into()),
        "MARKETPLACE_DB_MAX_CONNECTIONS" => Some("4".into()),
        _ => None,
    })
    .expect("test configuration");
    let application = Application::build(config).await.expect("build application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let pool = application.state().pool.clone();
    if seed {
        let anchor = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).expect("date");
        app::server::seed::seed_demo(&pool, anchor).await.expect("seed demo data");
    }
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { address, pool, client }
}
