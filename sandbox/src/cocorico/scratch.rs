//! Scratch databases for tests: a uniquely named database and read-only
//! account, loaded, handed to the test body, and dropped even if it panics.

use std::future::Future;
use std::str::FromStr;

use rand::Rng;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};

use super::access::Secret;
use super::dataset::TimeUnit;
use super::load::{LoadOptions, LoadReport, connect_admin, drop_database, load};

/// Environment variable holding the admin URL (no database path).
pub const ADMIN_URL_ENV: &str = "COCORICO_ADMIN_URL";

/// Admin URL used when [`ADMIN_URL_ENV`] is unset: the local MariaDB's `root`.
pub const DEFAULT_ADMIN_URL: &str = "mysql://root@127.0.0.1:3306";

/// The admin URL from [`ADMIN_URL_ENV`], else [`DEFAULT_ADMIN_URL`].
pub(crate) fn admin_url_from_env() -> Secret {
    Secret::new(std::env::var(ADMIN_URL_ENV).unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned()))
}

/// A loaded scratch database.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// How it was loaded (unique database and account names).
    pub options: LoadOptions,
    /// What was loaded, with the read-only access.
    pub report: LoadReport,
}

impl Scratch {
    /// Load options for a scratch database of `listings` listings from `seed`:
    /// admin URL from the environment, names `cocorico_test_<random>` and
    /// `ro_<random>`, a random read-only password, prices per day.
    pub fn load_options(listings: usize, seed: u64) -> LoadOptions {
        let suffix = format!("{:012x}", rand::rng().random::<u64>() >> 16);
        LoadOptions {
            admin_url: admin_url_from_env(),
            database: format!("cocorico_test_{suffix}"),
            listings,
            seed,
            time_unit: TimeUnit::Day,
            ro_user: format!("ro_{suffix}"),
            ro_password: Secret::random(),
        }
    }

    /// An admin pool on the scratch database.
    pub async fn admin_pool(&self) -> anyhow::Result<MySqlPool> {
        connect_admin(&self.options).await
    }

    /// A pool logged in as the read-only account.
    pub async fn read_only_pool(&self) -> anyhow::Result<MySqlPool> {
        let url = self.report.access.url();
        let options = MySqlConnectOptions::from_str(url.expose())?;
        Ok(MySqlPoolOptions::new().max_connections(2).connect_with(options).await?)
    }
}

/// Loads a scratch database of `listings` listings from `seed`, runs `body`
/// on it, then drops the database and account. A panic in `body` is resumed
/// after the cleanup.
pub async fn with_scratch<F, Fut>(listings: usize, seed: u64, body: F) -> anyhow::Result<()>
where
    F: FnOnce(Scratch) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    with_options(Scratch::load_options(listings, seed), body).await
}

/// [`with_scratch`] with explicit load options (which name the database and
/// account to drop afterwards).
pub async fn with_options<F, Fut>(options: LoadOptions, body: F) -> anyhow::Result<()>
where
    F: FnOnce(Scratch) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let outcome = match load(options.clone()).await {
        Ok(report) => tokio::spawn(body(Scratch { options: options.clone(), report })).await,
        Err(error) => {
            drop_database(&options).await?;
            return Err(error);
        }
    };
    drop_database(&options).await?;
    match outcome {
        Ok(result) => result,
        Err(join_error) if join_error.is_panic() => std::panic::resume_unwind(join_error.into_panic()),
        Err(join_error) => Err(join_error.into()),
    }
}
