//! Response bodies: `Account`, `Invoice`, `InvoiceItem`, `CustomField`, `Tenant` and
//! `TenantKeyValue` of kbswagger.yaml (payments are in [`super::payment`]).
//! Unset fields are written as `null`, as Kill Bill's Jackson mapper does.

use serde::Serialize;
use uuid::Uuid;

use super::{AuditLogJson, AuditMode, audit_logs, date_time};
use crate::killbill::money::{Amount, Currency};
use crate::killbill::store::TenantData;
use crate::killbill::store::model::{Account, AccountFields, CustomField, Invoice, InvoiceItem, ItemLabels, Tenant};

/// `Account`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    account_id: Uuid,
    external_key: String,
    currency: Option<Currency>,
    bill_cycle_day_local: i32,
    is_payment_delegated_to_parent: bool,
    payment_method_id: Option<Uuid>,
    reference_time: String,
    time_zone: String,
    is_migrated: bool,
    account_balance: Option<Amount>,
    #[serde(rename = "accountCBA")]
    account_cba: Option<Amount>,
    #[serde(flatten)]
    fields: AccountFields,
    audit_logs: Vec<AuditLogJson>,
}

impl AccountJson {
    /// The account; `with_balance` adds `accountBalance`, `with_cba` also `accountCBA` (always 0).
    pub fn new(data: &TenantData, account: &Account, with_balance: bool, with_cba: bool, audit: AuditMode) -> Self {
        let exponent = account.currency.map_or(2, Currency::exponent);
        let balance = Amount { minor: data.account_balance_minor(account.id), exponent };
        Self {
            account_id: account.id,
            external_key: account.external_key.clone(),
            currency: account.currency,
            bill_cycle_day_local: account.bill_cycle_day,
            is_payment_delegated_to_parent: account.is_payment_delegated_to_parent,
            payment_method_id: None,
            reference_time: date_time(account.reference_time),
            time_zone: account.time_zone.clone(),
            is_migrated: account.is_migrated,
            account_balance: (with_balance || with_cba).then_some(balance),
            account_cba: with_cba.then_some(Amount::zero(exponent)),
            fields: account.fields.clone(),
            audit_logs: audit_logs(audit, "ACCOUNT", account.id, &account.audit),
        }
    }
}

/// `InvoiceItem`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceItemJson {
    invoice_item_id: Uuid,
    invoice_id: Uuid,
    account_id: Uuid,
    item_type: &'static str,
    start_date: chrono::NaiveDate,
    end_date: Option<chrono::NaiveDate>,
    amount: Amount,
    currency: Currency,
    catalog_effective_date: Option<String>,
    child_items: Option<Vec<InvoiceItemJson>>,
    #[serde(flatten)]
    labels: ItemLabels,
    audit_logs: Vec<AuditLogJson>,
}

impl InvoiceItemJson {
    /// An item of an invoice in `currency`.
    pub fn new(item: &InvoiceItem, currency: Currency) -> Self {
        Self {
            invoice_item_id: item.id,
            invoice_id: item.invoice_id,
            account_id: item.account_id,
            item_type: item.kind.as_str(),
            start_date: item.start_date,
            end_date: item.end_date,
            amount: Amount { minor: item.amount_minor, exponent: currency.exponent() },
            currency,
            catalog_effective_date: None,
            child_items: None,
            labels: item.labels.clone(),
            audit_logs: Vec::new(),
        }
    }
}

/// `Invoice`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceJson {
    amount: Amount,
    currency: Currency,
    status: &'static str,
    credit_adj: Amount,
    refund_adj: Amount,
    invoice_id: Uuid,
    invoice_date: chrono::NaiveDate,
    target_date: chrono::NaiveDate,
    invoice_number: String,
    balance: Amount,
    account_id: Uuid,
    bundle_keys: Option<String>,
    credits: Option<Vec<InvoiceItemJson>>,
    items: Vec<InvoiceItemJson>,
    tracking_ids: Vec<String>,
    is_parent_invoice: bool,
    parent_invoice_id: Option<Uuid>,
    parent_account_id: Option<Uuid>,
    audit_logs: Vec<AuditLogJson>,
}

impl InvoiceJson {
    /// The invoice; without `components` (Kill Bill's shallow read) amounts are 0 and
    /// `items` is empty.
    pub fn new(data: &TenantData, invoice: &Invoice, components: bool, audit: AuditMode) -> Self {
        let exponent = invoice.currency.exponent();
        let money = |minor: i64| Amount { minor: if components { minor } else { 0 }, exponent };
        let items = if components {
            invoice.items.iter().map(|i| InvoiceItemJson::new(i, invoice.currency)).collect()
        } else {
            Vec::new()
        };
        Self {
            amount: money(invoice.charged_minor()),
            currency: invoice.currency,
            status: invoice.status.as_str(),
            credit_adj: Amount::zero(exponent),
            refund_adj: Amount::zero(exponent),
            invoice_id: invoice.id,
            invoice_date: invoice.invoice_date,
            target_date: invoice.target_date,
            invoice_number: invoice.number.to_string(),
            balance: money(data.invoice_balance_minor(invoice.id)),
            account_id: invoice.account_id,
            bundle_keys: None,
            credits: None,
            items,
            tracking_ids: Vec::new(),
            is_parent_invoice: false,
            parent_invoice_id: None,
            parent_account_id: None,
            audit_logs: audit_logs(audit, "INVOICE", invoice.id, &invoice.audit),
        }
    }
}

/// `CustomField`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldJson {
    custom_field_id: Uuid,
    object_id: Uuid,
    object_type: String,
    name: String,
    value: String,
    audit_logs: Vec<AuditLogJson>,
}

impl CustomFieldJson {
    /// The field.
    pub fn new(field: &CustomField, audit: AuditMode) -> Self {
        Self {
            custom_field_id: field.id,
            object_id: field.object_id,
            object_type: field.object_type.clone(),
            name: field.name.clone(),
            value: field.value.clone(),
            audit_logs: audit_logs(audit, "CUSTOM_FIELD", field.id, &field.audit),
        }
    }
}

/// `Tenant`; the secret is never read back.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantJson {
    tenant_id: Uuid,
    external_key: Option<String>,
    api_key: String,
    api_secret: Option<String>,
    audit_logs: Vec<AuditLogJson>,
}

impl TenantJson {
    /// The tenant.
    pub fn new(tenant: &Tenant) -> Self {
        Self {
            tenant_id: tenant.id,
            external_key: tenant.external_key.clone(),
            api_key: tenant.api_key.clone(),
            api_secret: None,
            audit_logs: Vec::new(),
        }
    }
}

/// `TenantKeyValue` for the push-notification callback.
pub fn callback_key_value(tenant: &Tenant) -> serde_json::Value {
    serde_json::json!({
        "key": "PUSH_NOTIFICATION_CB",
        "values": tenant.callback.iter().collect::<Vec<_>>(),
        "auditLogs": [],
    })
}
