//! Configuration: one typed struct read from the environment. Every variable
//! is listed, with its default, in `.env.example`.

use anyhow::{Context, bail};
use app::server::adapters::condo::CondoWebhookSettings;
use app::server::adapters::{cocorico::CocoricoSettings, condo::CondoSettings, killbill::KillBillSettings};
use app::server::jobs::SyncSettings;
use app::server::jobs::journal::Rotation;
use app::server::scheduler::SchedulerSettings;
use app::server::secret::Secret;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// How log lines are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (production).
    Json,
    /// Human-readable lines (a terminal).
    Pretty,
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: PostgreSQL connection string (required).
    pub database_url: Secret,
    /// `MARKETPLACE_HOST`: address to listen on (default 127.0.0.1).
    pub host: IpAddr,
    /// `MARKETPLACE_PORT`: port to listen on (default 3101; 0 picks a free one).
    pub port: u16,
    /// `MARKETPLACE_SITE_ROOT`: folder with the built site (default `target/site`).
    pub site_root: PathBuf,
    /// `MARKETPLACE_DB_MAX_CONNECTIONS`: pool size (default 10).
    pub db_max_connections: u32,
    /// `MARKETPLACE_LOG_FORMAT`: `json` or `pretty` (default `json`).
    pub log_format: LogFormat,
    /// `MARKETPLACE_DEMO`: demo mode (default false).
    pub demo: bool,
    /// `MARKETPLACE_KEYS_DIR`: folder of the private signing keys, outside the
    /// repository (default `.data/keys`).
    pub keys_dir: PathBuf,
    /// `MARKETPLACE_PUBLIC_KEY_PATH`: where the current public key is written
    /// for other services (default `infra/keys/public.pem`).
    pub public_key_path: PathBuf,
    /// `MARKETPLACE_PUBLIC_URL`: the site's public address; `https://` makes
    /// cookies `Secure` (default `http://127.0.0.1:3101`).
    pub public_url: String,
    /// `MARKETPLACE_JWT_ISSUER` and `MARKETPLACE_JWT_AUDIENCE` (default `marketplace` both).
    pub jwt_issuer: String,
    /// See `jwt_issuer`.
    pub jwt_audience: String,
    /// The platforms' settings (each `None` until its variables are set) and
    /// `MARKETPLACE_LOG_DIR`, the folder of the integration logs (default `logs/integration`).
    pub sync: SyncSettings,
    /// `MARKETPLACE_SCHEDULER`, `MARKETPLACE_SCHEDULE_<PLATFORM>`, `MARKETPLACE_SCHEDULE_JITTER`,
    /// `MARKETPLACE_SCHEDULER_TICK`, `MARKETPLACE_LEASE_TTL`, `MARKETPLACE_PAUSE_AFTER_FAILURES`.
    pub scheduler: SchedulerSettings,
    /// Outgoing mail: `MARKETPLACE_SMTP_URL`, `MARKETPLACE_MAIL_FROM`, `MARKETPLACE_MAIL_DIR`.
    pub mail: app::server::mail::MailSettings,
    /// The origin (`scheme://host[:port]`) of `MARKETPLACE_PUBLIC_URL` when
    /// it is set: browsers' state-changing requests must come from it.
    pub public_origin: Option<String>,
    /// `MARKETPLACE_SESSION_MAX_AGE`: how long a sign-in lasts at most
    /// (30 days by default), however often it is refreshed.
    pub session_max_age: std::time::Duration,
    /// `MARKETPLACE_TRUSTED_PROXIES`: the load balancers and reverse proxies
    /// whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: app::server::auth::client_address::TrustedProxies,
    /// `MARKETPLACE_REQUEST_TIMEOUT`: how long one request may take before it
    /// is answered 503 (default `30s`).
    pub request_timeout: std::time::Duration,
    /// `MARKETPLACE_METRICS_TOKEN`: the Bearer token `/metrics` and the
    /// detailed `/api/health` accept (at least 24 characters; unset: admins only).
    pub metrics_token: Option<Secret>,
    /// `MARKETPLACE_MAX_CONCURRENT_REQUESTS`: requests handled at once; more
    /// wait for a free place, within the request timeout (default 256).
    pub max_concurrent_requests: usize,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get =
            |key: &str, default: &str| lookup(key).filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned());
        let database_url = lookup("DATABASE_URL").filter(|v| !v.is_empty()).context("DATABASE_URL is not set")?;
        let log_format = match get("MARKETPLACE_LOG_FORMAT", "json").as_str() {
            "json" => LogFormat::Json,
            "pretty" => LogFormat::Pretty,
            other => bail!("MARKETPLACE_LOG_FORMAT must be `json` or `pretty`, not `{other}`"),
        };
        Ok(Self {
            database_url: Secret::new(database_url),
            host: get("MARKETPLACE_HOST", "127.0.0.1").parse().context("MARKETPLACE_HOST is not an IP address")?,
            port: get("MARKETPLACE_PORT", "3101").parse().context("MARKETPLACE_PORT is not a port number")?,
            site_root: PathBuf::from(get("MARKETPLACE_SITE_ROOT", "target/site")),
            db_max_connections: get("MARKETPLACE_DB_MAX_CONNECTIONS", "10")
                .parse()
                .context("MARKETPLACE_DB_MAX_CONNECTIONS is not a number")?,
            log_format,
            demo: parse_bool(&get("MARKETPLACE_DEMO", "false")).context("MARKETPLACE_DEMO must be true or false")?,
            keys_dir: PathBuf::from(get("MARKETPLACE_KEYS_DIR", ".data/keys")),
            public_key_path: PathBuf::from(get("MARKETPLACE_PUBLIC_KEY_PATH", "infra/keys/public.pem")),
            public_url: get("MARKETPLACE_PUBLIC_URL", "http://127.0.0.1:3101"),
            jwt_issuer: get("MARKETPLACE_JWT_ISSUER", "marketplace"),
            jwt_audience: get("MARKETPLACE_JWT_AUDIENCE", "marketplace"),
            sync: SyncSettings {
                killbill: KillBillSettings::from_lookup(&lookup).context("Kill Bill settings")?,
                condo: CondoSettings::from_lookup(&lookup).context("Condo settings")?,
                cocorico: CocoricoSettings::from_lookup(&lookup).context("Cocorico settings")?,
                condo_webhook: CondoWebhookSettings::from_lookup(&lookup).context("Condo webhook settings")?,
                log_dir: PathBuf::from(get("MARKETPLACE_LOG_DIR", "logs/integration")),
                // MARKETPLACE_LOG_MAX_BYTES and MARKETPLACE_LOG_KEEP.
                log_rotation: Rotation::from_lookup(&lookup).context("integration log rotation")?,
                retention: retention_from(&get("MARKETPLACE_RETENTION", "90d"))?,
            },
            scheduler: SchedulerSettings::from_lookup(&lookup).context("scheduler settings")?,
            mail: app::server::mail::MailSettings::from_lookup(&lookup),
            request_timeout: app::server::scheduler::schedule::parse_duration(&get(
                "MARKETPLACE_REQUEST_TIMEOUT",
                "30s",
            ))
            .ok()
            .filter(|d| !d.is_zero())
            .context("MARKETPLACE_REQUEST_TIMEOUT is not a duration such as 30s")?,
            metrics_token: metrics_token_from(lookup("MARKETPLACE_METRICS_TOKEN"))?,
            public_origin: lookup("MARKETPLACE_PUBLIC_URL")
                .filter(|v| !v.trim().is_empty())
                .map(|url| {
                    crate::http::session::origin_of(url.trim())
                        .map(str::to_owned)
                        .context("MARKETPLACE_PUBLIC_URL is not an absolute URL such as https://marketplace.example")
                })
                .transpose()?,
            session_max_age: app::server::scheduler::schedule::parse_duration(&get(
                "MARKETPLACE_SESSION_MAX_AGE",
                "30d",
            ))
            .ok()
            .filter(|d| d.as_secs() >= 60)
            .context("MARKETPLACE_SESSION_MAX_AGE is not a duration of a minute or more, such as 30d")?,
            trusted_proxies: get("MARKETPLACE_TRUSTED_PROXIES", "")
                .parse()
                .map_err(|e| anyhow::anyhow!("MARKETPLACE_TRUSTED_PROXIES: {e}"))?,
            max_concurrent_requests: get("MARKETPLACE_MAX_CONCURRENT_REQUESTS", "256")
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .context("MARKETPLACE_MAX_CONCURRENT_REQUESTS is not a positive number")?,
        })
    }

    /// Token and cookie settings.
    pub fn auth_settings(&self) -> app::server::auth::AuthSettings {
        app::server::auth::AuthSettings {
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            secure_cookies: self.public_url.starts_with("https://"),
            session_max_age: self.session_max_age,
            trusted_proxies: self.trusted_proxies.clone(),
            ..app::server::auth::AuthSettings::default()
        }
    }

    /// The socket address to bind.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }
}

/// `MARKETPLACE_METRICS_TOKEN`: unset or empty for none, else at least 24 characters.
fn metrics_token_from(raw: Option<String>) -> anyhow::Result<Option<Secret>> {
    match raw.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(token) if token.chars().count() < 24 => {
            bail!("MARKETPLACE_METRICS_TOKEN must be at least 24 characters (try `openssl rand -hex 32`)")
        }
        Some(token) => Ok(Some(Secret::new(token))),
    }
}

/// `MARKETPLACE_RETENTION`: a duration of at least a day (`90d`, `2160h`).
fn retention_from(raw: &str) -> anyhow::Result<app::server::jobs::retention::Retention> {
    let period =
        app::server::scheduler::schedule::parse_duration(raw).context("MARKETPLACE_RETENTION is not a duration")?;
    if period < std::time::Duration::from_secs(86_400) {
        bail!("MARKETPLACE_RETENTION must be at least 1d, not `{raw}`");
    }
    Ok(app::server::jobs::retention::Retention(period))
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_only_the_database_is_given() {
        let c = config(&[("DATABASE_URL", "postgres://u:hunter2@db/m")]).unwrap();
        assert_eq!(c.addr().to_string(), "127.0.0.1:3101");
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(!c.demo);
    }

    #[test]
    fn request_bounds_and_the_metrics_token_are_checked() {
        let db = ("DATABASE_URL", "postgres://u@db/m");
        let c = config(&[db]).unwrap();
        assert_eq!((c.request_timeout.as_secs(), c.max_concurrent_requests), (30, 256));
        assert!(c.metrics_token.is_none(), "no token: admins only");
        assert!(config(&[db, ("MARKETPLACE_REQUEST_TIMEOUT", "0s")]).is_err());
        assert!(config(&[db, ("MARKETPLACE_MAX_CONCURRENT_REQUESTS", "0")]).is_err());
        assert!(config(&[db, ("MARKETPLACE_METRICS_TOKEN", "short")]).is_err(), "a guessable token is refused");
        let token = "0123456789abcdef0123456789abcdef";
        let c = config(&[db, ("MARKETPLACE_METRICS_TOKEN", token)]).unwrap();
        assert_eq!(c.metrics_token.as_ref().map(Secret::expose), Some(token));
        assert!(!format!("{c:?}").contains(token), "never printed");
    }

    #[test]
    fn the_database_url_is_required_and_never_printed() {
        assert!(config(&[]).is_err());
        let c = config(&[("DATABASE_URL", "postgres://u:hunter2@db/m")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn malformed_values_are_refused_with_the_variable_named() {
        let err = config(&[("DATABASE_URL", "x"), ("MARKETPLACE_PORT", "http")]).unwrap_err();
        assert!(err.to_string().contains("MARKETPLACE_PORT"));
        assert!(config(&[("DATABASE_URL", "x"), ("MARKETPLACE_DEMO", "maybe")]).is_err());
    }
}
