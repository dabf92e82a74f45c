//! Typed configuration of one emulator run: data set, accounts, locale, limits and faults.

use super::data::catalog::Locale;
use super::faults::Faults;
use chrono::{DateTime, TimeZone, Utc};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Everything one emulator run needs; `Default` is a small data set on a free loopback port.
#[derive(Debug, Clone)]
pub struct CondoConfig {
    /// Where to listen; must be a loopback address. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Condo's `schema.graphql`, used to validate every operation.
    pub schema_path: PathBuf,
    /// Size and seed of the generated data set.
    pub data: DataConfig,
    /// The integration accounts' sign-in details.
    pub credentials: Credentials,
    /// Faults injected from the start of the run.
    pub faults: Faults,
    /// Locale of localized names when the request names none (Condo's `DEFAULT_LOCALE`).
    pub default_locale: Locale,
    /// Sign-in attempts allowed per hour per IP, phone or email (`None` disables the limit).
    pub sign_in_limit: Option<u32>,
    /// Session lifetime (`None`: sessions last until expired through the control API).
    pub token_ttl: Option<Duration>,
    /// Default secret for signing webhook bodies (`None`: unsigned, as Condo's model webhooks).
    pub webhook_secret: Option<String>,
    /// Largest accepted upload, in bytes: Keystone's `graphqlUploadExpress` default of 200 MiB
    /// (`maxFileSize`), which Condo does not override. Tests lower it.
    pub max_upload_bytes: usize,
}

impl Default for CondoConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            schema_path: super::schema::default_schema_path(),
            data: DataConfig::default(),
            credentials: Credentials::default(),
            faults: Faults::default(),
            default_locale: Locale::default(),
            sign_in_limit: Some(10),
            token_ttl: None,
            webhook_secret: None,
            max_upload_bytes: 200 * 1024 * 1024,
        }
    }
}

/// Size and shape of the generated data set.
#[derive(Debug, Clone)]
pub struct DataConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of organizations (the first one has the contract examples' id).
    pub organizations: usize,
    /// Number of properties, dealt round-robin to organizations.
    pub properties: usize,
    /// Number of tickets.
    pub tickets: usize,
    /// Share of tickets that are soft-deleted.
    pub deleted_ratio: f64,
    /// The "present" of the data set: generated times lie before it.
    pub anchor: DateTime<Utc>,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            organizations: 3,
            properties: 12,
            tickets: 400,
            deleted_ratio: 0.03,
            anchor: Utc.with_ymd_and_hms(2026, 8, 20, 12, 0, 0).single().unwrap_or_default(),
        }
    }
}

/// Sign-in details of the two integration accounts; `Debug` hides the password.
#[derive(Clone)]
pub struct Credentials {
    /// Phone of the staff account (`authenticateUserWithPhoneAndPassword`).
    pub phone: String,
    /// Email of the service account (`authenticateUserWithEmailAndPassword`).
    pub email: String,
    /// Password of both accounts.
    pub password: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            phone: "+15550100999".to_owned(),
            email: "marketplace-sync@example.com".to_owned(),
            password: "condo-sandbox-password".to_owned(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("phone", &self.phone)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}
