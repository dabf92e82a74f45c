//! Loads a generated data set into MariaDB: recreates the database, applies
//! the schema, inserts every table in batched multi-row INSERTs, and
//! (re)creates the read-only account.

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::query_builder::Separated;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, MySql, MySqlConnection, QueryBuilder};

use super::access::{ReadOnlyAccess, Secret, check_identifier, drop_user};
use super::dataset::{DatasetSummary, ListingStatus, Table, TimeUnit, Value};
use super::generate::{GenerateOptions, generate};
use super::scratch::DEFAULT_ADMIN_URL;

/// The Cocorico DDL, `infra/cocorico/schema.sql`.
pub const SCHEMA_SQL: &str = include_str!("../../../infra/cocorico/schema.sql");

/// The read-only account script, `infra/cocorico/readonly_user.sql`.
pub const READONLY_USER_SQL: &str = include_str!("../../../infra/cocorico/readonly_user.sql");

/// Most rows per INSERT; keeps packets well under `max_allowed_packet`.
const BATCH_ROWS: usize = 1_000;

/// Where and what to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// URL of an account that may create databases and users, without a database path.
    pub admin_url: Secret,
    /// Database to (re)create.
    pub database: String,
    /// Number of listings to generate.
    pub listings: usize,
    /// Generator seed.
    pub seed: u64,
    /// Unit of the generated prices and durations.
    pub time_unit: TimeUnit,
    /// Name of the read-only account.
    pub ro_user: String,
    /// Its password; must not be empty.
    pub ro_password: Secret,
}

impl Default for LoadOptions {
    /// `root` on 127.0.0.1:3306, database `cocorico`, 120 listings, seed 42,
    /// account `cocorico_ro` with an empty password that [`load`] refuses.
    fn default() -> Self {
        let generate = GenerateOptions::default();
        LoadOptions {
            admin_url: Secret::new(DEFAULT_ADMIN_URL),
            database: "cocorico".into(),
            listings: generate.listings,
            seed: generate.seed,
            time_unit: generate.time_unit,
            ro_user: "cocorico_ro".into(),
            ro_password: Secret::new(""),
        }
    }
}

impl LoadOptions {
    /// Admin connect options for the server, without a database.
    fn server(&self) -> anyhow::Result<MySqlConnectOptions> {
        let options = MySqlConnectOptions::from_str(self.admin_url.expose())
            .map_err(|error| anyhow::anyhow!("invalid admin URL: {error}"))?;
        // Statements are not logged: they are many, and bulky.
        Ok(options.disable_statement_logging())
    }
}

/// What [`load`] did.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// The database loaded.
    pub database: String,
    /// How the importer connects.
    pub access: ReadOnlyAccess,
    /// What the data set holds.
    pub summary: DatasetSummary,
    /// Wall time of generation and loading.
    pub elapsed: Duration,
}

impl LoadReport {
    /// One line for humans; shows no password.
    pub fn summary_line(&self) -> String {
        let statuses: Vec<String> = ListingStatus::ALL
            .iter()
            .map(|&status| format!("{}:{}", status.code(), self.summary.count(status)))
            .collect();
        format!(
            "cocorico: loaded {} listings (status {}) with {} images and {} users \
             into `{}` in {:.1}s; read-only URL {}",
            self.summary.listings,
            statuses.join(" "),
            self.summary.images,
            self.summary.users,
            self.database,
            self.elapsed.as_secs_f64(),
            self.access.redacted_url(),
        )
    }
}

/// Drops and recreates `opts.database`, applies [`SCHEMA_SQL`], inserts a data
/// set generated from `opts`, and recreates the read-only account.
pub async fn load(opts: LoadOptions) -> anyhow::Result<LoadReport> {
    let started = Instant::now();
    check_identifier("database", &opts.database)?;
    check_identifier("read-only user", &opts.ro_user)?;
    anyhow::ensure!(!opts.ro_password.expose().is_empty(), "the read-only password must not be empty");
    let generate_options = GenerateOptions { listings: opts.listings, seed: opts.seed, time_unit: opts.time_unit };
    let dataset = tokio::task::spawn_blocking(move || generate(&generate_options)).await??;
    let server = opts.server()?;
    let mut admin = server.connect().await?;
    recreate_database(&mut admin, &opts.database).await?;
    let mut conn = server.clone().database(&opts.database).connect().await?;
    sqlx::raw_sql(SCHEMA_SQL).execute(&mut conn).await?;
    for table in &dataset.tables {
        insert_table(&mut conn, table).await?;
    }
    conn.close().await?;
    let access = ReadOnlyAccess {
        user: opts.ro_user.clone(),
        password: opts.ro_password.clone(),
        host: server.get_host().to_owned(),
        port: server.get_port(),
        database: opts.database.clone(),
    };
    access.create(&mut admin).await?;
    admin.close().await?;
    Ok(LoadReport { database: opts.database, access, summary: dataset.summary, elapsed: started.elapsed() })
}

/// A small admin pool on `opts.database`, for the mutation helpers.
pub async fn connect_admin(opts: &LoadOptions) -> anyhow::Result<MySqlPool> {
    check_identifier("database", &opts.database)?;
    let options = opts.server()?.database(&opts.database);
    Ok(MySqlPoolOptions::new().max_connections(2).connect_with(options).await?)
}

/// Drops `opts.database` and the account `opts.ro_user`, if they exist.
pub async fn drop_database(opts: &LoadOptions) -> anyhow::Result<()> {
    check_identifier("database", &opts.database)?;
    let mut admin = opts.server()?.connect().await?;
    let sql = format!("DROP DATABASE IF EXISTS `{}`", opts.database);
    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut admin).await?;
    drop_user(&mut admin, &opts.ro_user).await?;
    admin.close().await?;
    Ok(())
}

async fn recreate_database(admin: &mut MySqlConnection, database: &str) -> anyhow::Result<()> {
    let sql = format!(
        "DROP DATABASE IF EXISTS `{database}`; \
         CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    );
    sqlx::raw_sql(AssertSqlSafe(sql)).execute(admin).await?;
    Ok(())
}

/// Inserts `table` in one transaction, [`BATCH_ROWS`] rows per statement.
///
/// `listing_location` and `listing` reference each other; the locations go
/// first with foreign-key checks off for that table only (as a dump restore does).
async fn insert_table(conn: &mut MySqlConnection, table: &Table) -> anyhow::Result<()> {
    let cyclic = table.name == "listing_location";
    let mut tx = conn.begin().await?;
    if cyclic {
        sqlx::raw_sql("SET foreign_key_checks = 0").execute(&mut *tx).await?;
    }
    let columns: Vec<String> = table.columns.iter().map(|column| format!("`{column}`")).collect();
    let prefix = format!("INSERT INTO `{}` ({}) ", table.name, columns.join(", "));
    for rows in table.rows.chunks(BATCH_ROWS) {
        let mut query = QueryBuilder::<MySql>::new(&prefix);
        query.push_values(rows, |mut values, row| {
            for value in row {
                bind(&mut values, value);
            }
        });
        query.build().execute(&mut *tx).await?;
    }
    if cyclic {
        sqlx::raw_sql("SET foreign_key_checks = 1").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn bind(values: &mut Separated<'_, MySql, &'static str>, value: &Value) {
    match value {
        Value::Null => values.push_bind(None::<i64>),
        Value::Int(number) => values.push_bind(*number),
        Value::Text(text) => values.push_bind(text.as_str()),
        Value::DateTime(instant) => values.push_bind(*instant),
        Value::Date(day) => values.push_bind(*day),
    };
}
