//! In-memory state of the emulator: tenants, each with its accounts, invoices, payments and
//! custom fields. Every operation is synchronous and runs under one lock, so a check and the
//! write that follows it are atomic; per-account ordering is added by [`AccountLocks`].

mod account;
mod adjustment;
mod custom_field;
mod invoice;
pub mod model;
mod payment;
mod refund;

use std::collections::HashMap;
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

pub use account::NewAccount;
pub use adjustment::NewAdjustment;
pub use invoice::NewCharge;
pub use payment::NewPayment;
pub use refund::NewRefund;

use crate::killbill::error::{KbError, KbResult};
use model::{Account, CustomField, Invoice, Payment, Tenant};

/// Records of one kind, in creation order (the order Kill Bill pages them in).
#[derive(Debug)]
pub struct Table<T> {
    rows: Vec<T>,
    index: HashMap<Uuid, usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self { rows: Vec::new(), index: HashMap::new() }
    }
}

impl<T> Table<T> {
    /// Adds a record under `id`.
    pub fn insert(&mut self, id: Uuid, row: T) {
        self.index.insert(id, self.rows.len());
        self.rows.push(row);
    }

    /// The record with `id`.
    pub fn get(&self, id: Uuid) -> Option<&T> {
        self.index.get(&id).map(|&i| &self.rows[i])
    }

    /// The record with `id`, to change it.
    pub fn get_mut(&mut self, id: Uuid) -> Option<&mut T> {
        self.index.get(&id).map(|&i| &mut self.rows[i])
    }

    /// All records, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.iter()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// Server-wide sequences: invoice and payment numbers (global in Kill Bill) and ids, drawn
/// from a seeded generator so that a replayed run gets the same ids.
#[derive(Debug)]
pub struct Counters {
    invoice_number: u64,
    payment_number: u64,
    ids: ChaCha8Rng,
}

impl Counters {
    fn new(seed: u64) -> Self {
        Self { invoice_number: 0, payment_number: 0, ids: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// A new random (version 4) id.
    pub fn new_id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.ids.random()).into_uuid()
    }

    fn next_invoice(&mut self) -> u64 {
        self.invoice_number += 1;
        self.invoice_number
    }

    fn next_payment(&mut self) -> u64 {
        self.payment_number += 1;
        self.payment_number
    }
}

/// Everything one tenant owns.
#[derive(Debug)]
pub struct TenantData {
    /// The tenant itself.
    pub tenant: Tenant,
    /// Accounts, with `account_keys` indexing their external keys.
    pub accounts: Table<Account>,
    account_keys: HashMap<String, Uuid>,
    /// Invoices of all accounts.
    pub invoices: Table<Invoice>,
    /// Payments of all accounts, with `payment_keys` indexing their external keys.
    pub payments: Table<Payment>,
    payment_keys: HashMap<String, Uuid>,
    /// Custom fields on any object.
    pub custom_fields: Table<CustomField>,
}

impl TenantData {
    fn new(tenant: Tenant) -> Self {
        Self {
            tenant,
            accounts: Table::default(),
            account_keys: HashMap::new(),
            invoices: Table::default(),
            payments: Table::default(),
            payment_keys: HashMap::new(),
            custom_fields: Table::default(),
        }
    }

    /// The account with `id`, or 404 code 3002.
    pub fn account(&self, id: Uuid) -> KbResult<&Account> {
        self.accounts.get(id).ok_or(KbError::AccountNotFound(id))
    }

    /// The invoice with `id`, or 404 code 4006.
    pub fn invoice(&self, id: Uuid) -> KbResult<&Invoice> {
        self.invoices.get(id).ok_or(KbError::InvoiceNotFound(id))
    }
}

/// All tenants.
#[derive(Debug)]
pub struct Store {
    tenants: Table<TenantData>,
    api_keys: HashMap<String, Uuid>,
    counters: Counters,
}

impl Store {
    /// An empty store whose ids follow `seed`.
    pub fn new(seed: u64) -> Self {
        Self { tenants: Table::default(), api_keys: HashMap::new(), counters: Counters::new(seed) }
    }

    /// Creates a tenant; its `apiKey` must be new (409 code 20000 otherwise).
    pub fn create_tenant(
        &mut self,
        api_key: String,
        api_secret: String,
        external_key: Option<String>,
    ) -> KbResult<Uuid> {
        if self.api_keys.contains_key(&api_key) {
            return Err(KbError::TenantExists(api_key));
        }
        let id = self.counters.new_id();
        let tenant = Tenant { id, api_key, api_secret, external_key, callback: None };
        self.api_keys.insert(tenant.api_key.clone(), id);
        self.tenants.insert(id, TenantData::new(tenant));
        Ok(id)
    }

    /// The tenant whose key and secret match, if any.
    pub fn authenticate(&self, api_key: &str, api_secret: &str) -> Option<Uuid> {
        let id = *self.api_keys.get(api_key)?;
        let data = self.tenants.get(id)?;
        (data.tenant.api_secret == api_secret).then_some(id)
    }

    /// The tenant with `api_key`.
    pub fn tenant_by_key(&self, api_key: &str) -> KbResult<&Tenant> {
        self.api_keys
            .get(api_key)
            .and_then(|id| self.tenants.get(*id))
            .map(|d| &d.tenant)
            .ok_or_else(|| KbError::TenantNotFound(api_key.to_string()))
    }

    /// Data of an authenticated tenant.
    pub fn tenant(&self, id: Uuid) -> &TenantData {
        self.tenants.get(id).expect("authenticated tenants exist")
    }

    /// Data of an authenticated tenant, to change it, with the server-wide counters.
    pub fn tenant_mut(&mut self, id: Uuid) -> (&mut TenantData, &mut Counters) {
        let data = self.tenants.get_mut(id).expect("authenticated tenants exist");
        (data, &mut self.counters)
    }

    /// All tenants, oldest first.
    pub fn tenants(&self) -> impl Iterator<Item = &TenantData> {
        self.tenants.iter()
    }
}

/// One async lock per account: writes to an account are serialized, like Kill Bill's
/// per-account global lock.
#[derive(Debug, Default)]
pub struct AccountLocks {
    locks: std::sync::Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
}

impl AccountLocks {
    /// Waits for the account's lock; writes to it are exclusive while the guard lives.
    pub async fn lock(&self, account_id: Uuid) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.locks.lock().expect("account locks poisoned");
            locks.entry(account_id).or_default().clone()
        };
        lock.lock_owned().await
    }
}
