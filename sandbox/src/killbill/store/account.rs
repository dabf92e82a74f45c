//! Account creation and look-ups (`AccountResource`, `DefaultAccountUserApi`).

use uuid::Uuid;

use super::model::{Account, AccountFields, Audit, InvoiceStatus};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money::Currency;
use crate::killbill::notify::Event;

/// Longest external key Kill Bill accepts.
pub const MAX_EXTERNAL_KEY: usize = 255;

/// What `POST /1.0/kb/accounts` carries.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub external_key: Option<String>,
    pub currency: Option<Currency>,
    pub time_zone: Option<String>,
    pub reference_time: Option<chrono::DateTime<chrono::Utc>>,
    pub bill_cycle_day: Option<i32>,
    pub is_migrated: Option<bool>,
    pub is_payment_delegated_to_parent: Option<bool>,
    pub fields: AccountFields,
}

impl TenantData {
    /// Creates an account; the external key defaults to the account id and must be unique.
    pub fn create_account(
        &mut self,
        counters: &mut Counters,
        input: NewAccount,
        audit: Audit,
    ) -> KbResult<(Uuid, Vec<Event>)> {
        let id = counters.new_id();
        let external_key = input.external_key.unwrap_or_else(|| id.to_string());
        if external_key.len() > MAX_EXTERNAL_KEY {
            return Err(KbError::ExternalKeyTooLong);
        }
        if self.account_keys.contains_key(&external_key) {
            return Err(KbError::AccountExists(external_key));
        }
        let account = Account {
            id,
            external_key: external_key.clone(),
            currency: input.currency,
            time_zone: input.time_zone.unwrap_or_else(|| "UTC".to_string()),
            reference_time: input.reference_time.unwrap_or(audit.at),
            bill_cycle_day: input.bill_cycle_day.unwrap_or(0),
            is_migrated: input.is_migrated.unwrap_or(false),
            is_payment_delegated_to_parent: input.is_payment_delegated_to_parent.unwrap_or(false),
            fields: input.fields,
            external_payment_method: None,
            audit,
        };
        self.account_keys.insert(external_key, id);
        self.accounts.insert(id, account);
        Ok((id, vec![Event::account_creation(id)]))
    }

    /// The account with `external_key`, or 404 code 3003.
    pub fn account_by_key(&self, external_key: &str) -> KbResult<&Account> {
        self.account_keys
            .get(external_key)
            .and_then(|id| self.accounts.get(*id))
            .ok_or_else(|| KbError::AccountKeyNotFound(external_key.to_string()))
    }

    /// What the account owes: the sum of its committed invoice balances, in minor units.
    pub fn account_balance_minor(&self, account_id: Uuid) -> i64 {
        self.invoices
            .iter()
            .filter(|i| i.account_id == account_id && i.status == InvoiceStatus::Committed)
            .map(|i| self.invoice_balance_minor(i.id))
            .sum()
    }
}
