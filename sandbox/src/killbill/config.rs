//! Settings of one emulator run.

use std::fmt;
use std::net::SocketAddr;

use crate::killbill::faults::Faults;
use crate::killbill::notify::NotifyConfig;

/// Where the emulator listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3180";

/// A tenant created at start, so a client can call the API at once.
#[derive(Clone, PartialEq, Eq)]
pub struct TenantSeed {
    /// `X-Killbill-ApiKey`.
    pub api_key: String,
    /// `X-Killbill-ApiSecret`.
    pub api_secret: String,
    /// Optional tenant external key.
    pub external_key: Option<String>,
}

impl TenantSeed {
    /// A tenant with this key and secret.
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self { api_key: api_key.into(), api_secret: api_secret.into(), external_key: None }
    }
}

impl fmt::Debug for TenantSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TenantSeed")
            .field("api_key", &self.api_key)
            .field("api_secret", &"***")
            .field("external_key", &self.external_key)
            .finish()
    }
}

/// Settings of the emulator.
#[derive(Clone)]
pub struct KillBillConfig {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// HTTP Basic user (Kill Bill's default is `admin`).
    pub admin_user: String,
    /// HTTP Basic password (Kill Bill's default is `password`).
    pub admin_password: String,
    /// Tenant to create at start.
    pub tenant: Option<TenantSeed>,
    /// Faults in force from the start.
    pub faults: Faults,
    /// Push-notification delivery.
    pub notify: NotifyConfig,
    /// Seed of every random choice (faults, notification delays and duplicates).
    pub seed: u64,
}

impl Default for KillBillConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            admin_user: "admin".to_string(),
            admin_password: "password".to_string(),
            tenant: None,
            faults: Faults::default(),
            notify: NotifyConfig::default(),
            seed: 42,
        }
    }
}

impl KillBillConfig {
    /// Defaults, listening on a free loopback port (for tests and benchmarks).
    pub fn ephemeral() -> Self {
        Self { listen: SocketAddr::from(([127, 0, 0, 1], 0)), ..Self::default() }
    }

    /// The same settings with a tenant created at start.
    pub fn with_tenant(self, api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self { tenant: Some(TenantSeed::new(api_key, api_secret)), ..self }
    }
}

impl fmt::Debug for KillBillConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KillBillConfig")
            .field("listen", &self.listen)
            .field("admin_user", &self.admin_user)
            .field("admin_password", &"***")
            .field("tenant", &self.tenant)
            .field("faults", &self.faults)
            .field("notify", &self.notify)
            .field("seed", &self.seed)
            .finish()
    }
}
