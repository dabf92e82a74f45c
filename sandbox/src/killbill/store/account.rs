//! Account creation, updates and look-ups (`AccountResource`, `DefaultAccountUserApi`,
//! `DefaultAccountDao`).

use uuid::Uuid;

use super::model::{Account, AccountFields, Audit, InvoiceStatus};
use super::{Counters, TenantData};
use crate::killbill::error::{KbError, KbResult};
use crate::killbill::money::Currency;
use crate::killbill::notify::Event;
use crate::killbill::wire::date_time;

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

/// What `PUT /1.0/kb/accounts/{accountId}` carries: the same `Account` body as a creation, each
/// field `None` when it is null or absent (Kill Bill's Jackson mapper does not tell them apart).
pub type AccountUpdate = NewAccount;

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

    /// Updates an account as `DefaultAccountDao.update` does (Kill Bill 0.24.21).
    ///
    /// Without `reset`, each field given replaces the stored one and a missing one is kept; with
    /// `reset` (`treatNullAsReset=true`) every free field takes the body's value, null included.
    /// The external key, currency, time zone, reference time and a bill cycle day already set
    /// cannot change: a different value (with `reset`, a missing one too) is refused before
    /// anything is written. Kill Bill posts `ACCOUNT_CHANGE` after every update that succeeds,
    /// even one that changed nothing, so a repeated update is pushed again.
    pub fn update_account(&mut self, id: Uuid, input: AccountUpdate, reset: bool) -> KbResult<((), Vec<Event>)> {
        let account = self.accounts.get_mut(id).ok_or(KbError::AccountNotFound(id))?;
        check_fixed_fields(account, &input, reset)?;
        if reset {
            reset_fields(account, input);
        } else {
            merge_fields(account, input);
        }
        Ok(((), vec![account_change(id)]))
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

/// `AccountModelDao.validateAccountUpdateInput`: the fields an update may not change. Kill Bill
/// throws an `IllegalArgumentException` (400, no `ErrorCode`: `ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY`
/// exists but this path does not use it) whose message names the field.
fn check_fixed_fields(account: &Account, input: &AccountUpdate, reset: bool) -> KbResult<()> {
    let key = input.external_key.as_deref();
    if (reset || key.is_some()) && key != Some(account.external_key.as_str()) {
        return Err(refused("external key", key, &account.external_key));
    }
    if (reset || input.currency.is_some()) && account.currency.is_some() && input.currency != account.currency {
        let current = account.currency.map_or("null", Currency::code);
        return Err(refused("currency", input.currency.map(Currency::code), current));
    }
    let day = input.bill_cycle_day.unwrap_or(0);
    if (reset || day != 0) && account.bill_cycle_day != 0 && day != account.bill_cycle_day {
        return Err(refused("BCD", Some(&day.to_string()), &account.bill_cycle_day.to_string()));
    }
    let zone = time_zone(input);
    if (reset || zone.is_some()) && zone != Some(account.time_zone.as_str()) {
        return Err(refused("timeZone", zone, &account.time_zone));
    }
    if let Some(at) = input.reference_time
        && at.date_naive() != account.reference_time.date_naive()
    {
        return Err(refused("referenceTime", Some(&date_time(at)), &date_time(account.reference_time)));
    }
    Ok(())
}

/// The time zone of the body; an empty one counts as absent (`AccountJson.toAccount`).
fn time_zone(input: &AccountUpdate) -> Option<&str> {
    input.time_zone.as_deref().filter(|zone| !zone.is_empty())
}

fn refused(field: &str, new: Option<&str>, current: &str) -> KbError {
    let new = new.unwrap_or("null");
    KbError::BadRequest(format!("Killbill doesn't support updating the account {field}: new={new}, current={current}"))
}

/// `treatNullAsReset=false`: `AccountModelDao.mergeWithDelegate`. The currency stays the stored
/// one (even when there was none), and a bill cycle day is only taken when none is set.
fn merge_fields(account: &mut Account, input: AccountUpdate) {
    if account.bill_cycle_day == 0
        && let Some(day) = input.bill_cycle_day.filter(|d| *d != 0)
    {
        account.bill_cycle_day = day;
    }
    if let Some(delegated) = input.is_payment_delegated_to_parent {
        account.is_payment_delegated_to_parent = delegated;
    }
    let AccountFields {
        name,
        first_name_length,
        email,
        parent_account_id,
        address1,
        address2,
        postal_code,
        company,
        city,
        state,
        country,
        locale,
        phone,
        notes,
    } = input.fields;
    let f = &mut account.fields;
    keep_or_replace(&mut f.name, name);
    keep_or_replace(&mut f.first_name_length, first_name_length);
    keep_or_replace(&mut f.email, email);
    keep_or_replace(&mut f.parent_account_id, parent_account_id);
    keep_or_replace(&mut f.address1, address1);
    keep_or_replace(&mut f.address2, address2);
    keep_or_replace(&mut f.postal_code, postal_code);
    keep_or_replace(&mut f.company, company);
    keep_or_replace(&mut f.city, city);
    keep_or_replace(&mut f.state, state);
    keep_or_replace(&mut f.country, country);
    keep_or_replace(&mut f.locale, locale);
    keep_or_replace(&mut f.phone, phone);
    keep_or_replace(&mut f.notes, notes);
}

fn keep_or_replace<T>(stored: &mut Option<T>, given: Option<T>) {
    if given.is_some() {
        *stored = given;
    }
}

/// `treatNullAsReset=true`: the body is written as it is, through the columns of
/// `AccountSqlDao.update`. The checks above made the currency equal to the stored one unless there
/// was none, and the bill cycle day equal unless none was set. The external key, reference time and
/// `isMigrated` are not among those columns, and the time zone cannot differ, so they stay.
fn reset_fields(account: &mut Account, input: AccountUpdate) {
    account.currency = input.currency;
    account.bill_cycle_day = input.bill_cycle_day.unwrap_or(0);
    account.is_payment_delegated_to_parent = input.is_payment_delegated_to_parent.unwrap_or(false);
    account.fields = input.fields;
}

/// `ACCOUNT_CHANGE` for `account_id` (objectType `ACCOUNT`, no metadata), as `BeatrixListener`
/// maps the account change event.
fn account_change(account_id: Uuid) -> Event {
    Event {
        event_type: "ACCOUNT_CHANGE",
        object_type: "ACCOUNT",
        object_id: Some(account_id),
        account_id: Some(account_id),
        meta_data: None,
    }
}
