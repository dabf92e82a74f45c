//! The state one emulator run shares between its HTTP handlers, control API and library handle.

use super::auth::Sessions;
use super::config::CondoConfig;
use super::data::Store;
use super::faults::FaultState;
use super::schema::CondoSchema;
use super::stats::Stats;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Everything behind one running emulator.
pub struct Shared {
    /// The configuration it was started with.
    pub config: CondoConfig,
    /// Condo's schema.
    pub schema: Arc<CondoSchema>,
    /// The data set.
    pub store: RwLock<Store>,
    /// Sessions and sign-in counters.
    pub sessions: Mutex<Sessions>,
    /// Faults in force.
    pub faults: Mutex<FaultState>,
    /// Counters.
    pub stats: Mutex<Stats>,
    /// Client for webhook deliveries.
    pub http: reqwest::Client,
}

impl Shared {
    /// Builds the state: generates the data set and applies the configured faults.
    pub fn new(config: CondoConfig, schema: Arc<CondoSchema>) -> anyhow::Result<Self> {
        let store = Store::generate(&config.data, &config.credentials);
        let seed = config.data.seed;
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;
        Ok(Self {
            sessions: Mutex::new(Sessions::new(seed, config.token_ttl, config.sign_in_limit)),
            faults: Mutex::new(FaultState::new(config.faults.clone(), seed)),
            stats: Mutex::new(Stats::default()),
            store: RwLock::new(store),
            schema,
            config,
            http,
        })
    }

    /// Read access to the data set.
    pub fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Write access to the data set.
    pub fn store_mut(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the data set with a freshly generated one and forgets sessions and counters.
    pub fn reset(&self) {
        *self.store_mut() = Store::generate(&self.config.data, &self.config.credentials);
        lock(&self.sessions).expire_all();
        *lock(&self.stats) = Stats::default();
    }
}

/// Locks a mutex, carrying on after a panic in another holder (the data stays usable).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
