//! Totals per account, read straight from the store so tests can check "no duplicates, totals
//! equal" without going through the public API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::killbill::store::model::InvoiceStatus;
use crate::killbill::store::{Store, TenantData};

/// Counts and totals of one account; amounts in the currency's minor units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Kill Bill's id of the account.
    pub account_id: Uuid,
    /// ISO code, if the account has a currency.
    pub currency: Option<String>,
    /// Invoices of every status.
    pub invoices: u64,
    /// DRAFT invoices.
    pub draft_invoices: u64,
    /// COMMITTED invoices.
    pub committed_invoices: u64,
    /// VOID invoices.
    pub void_invoices: u64,
    /// Items over all invoices, `ITEM_ADJ` adjustments included.
    pub invoice_items: u64,
    /// Payments recorded.
    pub payments: u64,
    /// Custom fields on the account's invoices.
    pub custom_fields: u64,
    /// Sum of the COMMITTED invoices' amounts (net of item adjustments).
    pub invoiced_minor: i64,
    /// Sum of the payments, net of their refunds.
    pub paid_minor: i64,
    /// Sum of the refunds.
    #[serde(default)]
    pub refunded_minor: i64,
    /// What the account owes (sum of COMMITTED invoice balances).
    pub balance_minor: i64,
}

/// Accounts of one tenant, by external key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSummary {
    /// Per account external key.
    pub accounts: BTreeMap<String, AccountSummary>,
}

/// Every tenant, by API key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Per tenant API key.
    pub tenants: BTreeMap<String, TenantSummary>,
}

impl Summary {
    /// The account with `external_key` in the first tenant that has one.
    pub fn account(&self, external_key: &str) -> Option<&AccountSummary> {
        self.tenants.values().find_map(|t| t.accounts.get(external_key))
    }
}

/// Summarizes the whole store.
pub fn build(store: &Store) -> Summary {
    let tenants = store.tenants().map(|t| (t.tenant.api_key.clone(), tenant_summary(t))).collect();
    Summary { tenants }
}

fn tenant_summary(data: &TenantData) -> TenantSummary {
    let accounts = data
        .accounts
        .iter()
        .map(|account| {
            let mut s = AccountSummary {
                account_id: account.id,
                currency: account.currency.map(|c| c.code().to_string()),
                balance_minor: data.account_balance_minor(account.id),
                ..AccountSummary::default()
            };
            for invoice in data.invoices.iter().filter(|i| i.account_id == account.id) {
                s.invoices += 1;
                s.invoice_items += invoice.items.len() as u64;
                match invoice.status {
                    InvoiceStatus::Draft => s.draft_invoices += 1,
                    InvoiceStatus::Void => s.void_invoices += 1,
                    InvoiceStatus::Committed => {
                        s.committed_invoices += 1;
                        s.invoiced_minor += invoice.charged_minor();
                    }
                }
            }
            for payment in data.payments.iter().filter(|p| p.account_id == account.id) {
                s.payments += 1;
                s.paid_minor += payment.net_minor();
                s.refunded_minor += payment.refunded_minor();
            }
            s.custom_fields = data.custom_fields.iter().filter(|f| f.account_id == account.id).count() as u64;
            (account.external_key.clone(), s)
        })
        .collect();
    TenantSummary { accounts }
}
