//! The records the emulator keeps, one per Kill Bill object, per tenant.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::killbill::money::Currency;

/// Who wrote a record and why: the audit headers of the request (`CallContext`).
#[derive(Debug, Clone)]
pub struct Audit {
    /// `X-Killbill-CreatedBy`.
    pub created_by: String,
    /// `X-Killbill-Reason`.
    pub reason: Option<String>,
    /// `X-Killbill-Comment`.
    pub comment: Option<String>,
    /// `X-Request-Id` (or `X-Killbill-Request-Id-Req`) when it is a UUID.
    pub user_token: Option<Uuid>,
    /// When the request was handled.
    pub at: DateTime<Utc>,
}

/// A Kill Bill tenant and its push-notification callback.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// `tenantId`.
    pub id: Uuid,
    /// Globally unique API key.
    pub api_key: String,
    /// API secret (never read back over the API).
    pub api_secret: String,
    /// Optional external key.
    pub external_key: Option<String>,
    /// The registered `PUSH_NOTIFICATION_CB` URL, if any.
    pub callback: Option<String>,
}

/// Free account fields that Kill Bill stores and echoes back unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountFields {
    pub name: Option<String>,
    pub first_name_length: Option<i32>,
    pub email: Option<String>,
    pub parent_account_id: Option<Uuid>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub postal_code: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub locale: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// A customer account; its currency is fixed at creation.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub external_key: String,
    pub currency: Option<Currency>,
    pub time_zone: String,
    pub reference_time: DateTime<Utc>,
    pub bill_cycle_day: i32,
    pub is_migrated: bool,
    pub is_payment_delegated_to_parent: bool,
    pub fields: AccountFields,
    /// The non-default `__EXTERNAL_PAYMENT__` method, created with the first external payment.
    pub external_payment_method: Option<Uuid>,
    pub audit: Audit,
}

/// Lifecycle of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    Draft,
    Committed,
    Void,
}

impl InvoiceStatus {
    /// The wire name (`DRAFT`, `COMMITTED`, `VOID`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Committed => "COMMITTED",
            Self::Void => "VOID",
        }
    }
}

/// Free invoice-item fields that Kill Bill stores and echoes back unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemLabels {
    pub linked_invoice_item_id: Option<Uuid>,
    pub child_account_id: Option<Uuid>,
    pub bundle_id: Option<Uuid>,
    pub subscription_id: Option<Uuid>,
    pub product_name: Option<String>,
    pub plan_name: Option<String>,
    pub phase_name: Option<String>,
    pub usage_name: Option<String>,
    pub pretty_product_name: Option<String>,
    pub pretty_plan_name: Option<String>,
    pub pretty_phase_name: Option<String>,
    pub pretty_usage_name: Option<String>,
    pub description: Option<String>,
    pub rate: Option<serde_json::Number>,
    pub quantity: Option<serde_json::Number>,
    pub item_details: Option<String>,
}

/// The `itemType`s the emulator creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// An external charge (positive amount).
    ExternalCharge,
    /// An invoice item adjustment: a negative amount linked to the adjusted item.
    ItemAdj,
}

impl ItemKind {
    /// The wire name (`EXTERNAL_CHARGE`, `ITEM_ADJ`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExternalCharge => "EXTERNAL_CHARGE",
            Self::ItemAdj => "ITEM_ADJ",
        }
    }
}

/// One invoice line: an `EXTERNAL_CHARGE`, or an `ITEM_ADJ` taking part of one back.
#[derive(Debug, Clone)]
pub struct InvoiceItem {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub account_id: Uuid,
    pub kind: ItemKind,
    /// Signed: negative for an `ITEM_ADJ`.
    pub amount_minor: i64,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub labels: ItemLabels,
}

/// An invoice and its items.
#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: Uuid,
    pub account_id: Uuid,
    pub number: u64,
    pub status: InvoiceStatus,
    pub currency: Currency,
    pub invoice_date: NaiveDate,
    pub target_date: NaiveDate,
    pub items: Vec<InvoiceItem>,
    pub audit: Audit,
}

impl Invoice {
    /// Sum of the items, adjustments included (Kill Bill's `getChargedAmount`), in minor units.
    pub fn charged_minor(&self) -> i64 {
        self.items.iter().map(|i| i.amount_minor).sum()
    }
}

/// A successful external PURCHASE recorded against one invoice, and its refunds.
#[derive(Debug, Clone)]
pub struct Payment {
    pub id: Uuid,
    pub number: u64,
    pub account_id: Uuid,
    pub invoice_id: Uuid,
    pub external_key: String,
    pub transaction_id: Uuid,
    pub amount_minor: i64,
    pub currency: Currency,
    pub payment_method_id: Uuid,
    pub audit: Audit,
    /// Successful REFUND transactions, oldest first.
    pub refunds: Vec<Refund>,
}

impl Payment {
    /// Sum of the refunds, in minor units.
    pub fn refunded_minor(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount_minor).sum()
    }

    /// What the payment still pays: purchased minus refunded.
    pub fn net_minor(&self) -> i64 {
        self.amount_minor - self.refunded_minor()
    }

    /// `transactionExternalKey` of the PURCHASE (the transaction id, as the invoice payment
    /// endpoint ignores any key sent) and of every refund.
    pub fn transaction_keys(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(self.transaction_id.to_string()).chain(self.refunds.iter().map(|r| r.external_key.clone()))
    }
}

/// A successful REFUND transaction of a payment (no invoice item adjustment).
#[derive(Debug, Clone)]
pub struct Refund {
    /// `transactionId`.
    pub transaction_id: Uuid,
    /// `transactionExternalKey`; defaults to a random UUID.
    pub external_key: String,
    /// Refunded amount, positive, in minor units.
    pub amount_minor: i64,
    pub audit: Audit,
}

/// A name/value pair attached to an object.
#[derive(Debug, Clone)]
pub struct CustomField {
    pub id: Uuid,
    pub object_id: Uuid,
    pub object_type: String,
    pub account_id: Uuid,
    pub name: String,
    pub value: String,
    pub audit: Audit,
}
