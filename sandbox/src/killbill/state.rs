//! State shared by every handler: the store, the account locks, the notifier, the fault
//! injector and the counters.

use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use crate::killbill::config::KillBillConfig;
use crate::killbill::error::KbResult;
use crate::killbill::faults::FaultInjector;
use crate::killbill::notify::{Event, Notifier};
use crate::killbill::stats::{RequestStats, StatsRecorder};
use crate::killbill::store::{AccountLocks, Counters, Store, TenantData};

/// Basic-auth identity every Kill Bill call must carry.
#[derive(Clone)]
pub struct Credentials {
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
}

/// Everything the handlers share.
pub struct AppState {
    store: Mutex<Store>,
    /// Serializes writes per account.
    pub locks: AccountLocks,
    /// Push-notification sender.
    pub notifier: Arc<Notifier>,
    /// Fault settings and decisions.
    pub faults: FaultInjector,
    /// Request counters.
    pub stats: StatsRecorder,
    /// The admin user of HTTP Basic auth.
    pub admin: Credentials,
}

impl AppState {
    /// State for `config`, with its seed tenant already created.
    pub fn new(config: &KillBillConfig) -> anyhow::Result<Self> {
        let mut store = Store::new(config.seed.wrapping_add(2));
        if let Some(seed) = &config.tenant {
            store
                .create_tenant(seed.api_key.clone(), seed.api_secret.clone(), seed.external_key.clone())
                .map_err(|e| anyhow::anyhow!("seed tenant: {e}"))?;
        }
        config.faults.validate()?;
        let faults = FaultInjector::new(config.faults.clone(), config.seed);
        Ok(Self {
            store: Mutex::new(store),
            locks: AccountLocks::default(),
            notifier: Arc::new(Notifier::new(config.notify.clone(), config.seed.wrapping_add(1))),
            faults,
            stats: StatsRecorder::default(),
            admin: Credentials { user: config.admin_user.clone(), password: config.admin_password.clone() },
        })
    }

    /// The whole store, locked (keep the guard short and never across an `.await`).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().expect("store poisoned")
    }

    /// Reads one tenant's data.
    pub fn read<T>(&self, tenant: Uuid, f: impl FnOnce(&TenantData) -> T) -> T {
        f(self.store().tenant(tenant))
    }

    /// Changes one tenant's data; the events the change produced are pushed to the tenant's
    /// callback, if one is registered.
    pub fn write<T>(
        &self,
        tenant: Uuid,
        f: impl FnOnce(&mut TenantData, &mut Counters) -> KbResult<(T, Vec<Event>)>,
    ) -> KbResult<T> {
        let (value, events, callback) = {
            let mut store = self.store();
            let (data, counters) = store.tenant_mut(tenant);
            let (value, events) = f(data, counters)?;
            (value, events, data.tenant.callback.clone())
        };
        if let Some(url) = callback {
            self.notifier.send(&url, events);
        }
        Ok(value)
    }

    /// All counters: requests, injected faults and notifications.
    pub fn request_stats(&self) -> RequestStats {
        RequestStats { faults: self.faults.stats(), notifications: self.notifier.stats(), ..self.stats.snapshot() }
    }

    /// Clears every counter.
    pub fn reset_stats(&self) {
        self.stats.reset();
        self.faults.reset_stats();
        self.notifier.reset_stats();
    }
}
