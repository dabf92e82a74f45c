//! The events Kill Bill pushes to a tenant's callback (`NotificationJson`), with the
//! `eventType`/`objectType` pairs and metadata of `BeatrixListener`.

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use crate::killbill::money::{Amount, Currency};
use crate::killbill::store::model::{Invoice, Payment, Refund};
use crate::killbill::wire::date_time;

/// One push notification, before it is serialized.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `eventType`, e.g. `INVOICE_CREATION`.
    pub event_type: &'static str,
    /// `objectType`, e.g. `INVOICE`.
    pub object_type: &'static str,
    /// `objectId`.
    pub object_id: Option<Uuid>,
    /// `accountId`.
    pub account_id: Option<Uuid>,
    /// `metaData`: a JSON document carried as a string.
    pub meta_data: Option<String>,
}

impl Event {
    /// A new account.
    pub const ACCOUNT_CREATION: &'static str = "ACCOUNT_CREATION";
    /// An invoice became COMMITTED.
    pub const INVOICE_CREATION: &'static str = "INVOICE_CREATION";
    /// A committed invoice changed (here: voided, a payment on it refunded, or an item adjusted).
    pub const INVOICE_ADJUSTMENT: &'static str = "INVOICE_ADJUSTMENT";
    /// A payment was applied to an invoice.
    pub const INVOICE_PAYMENT_SUCCESS: &'static str = "INVOICE_PAYMENT_SUCCESS";
    /// Kill Bill could not collect an invoice (no default payment method).
    pub const INVOICE_PAYMENT_FAILED: &'static str = "INVOICE_PAYMENT_FAILED";
    /// A payment transaction succeeded.
    pub const PAYMENT_SUCCESS: &'static str = "PAYMENT_SUCCESS";
    /// A custom field was added.
    pub const CUSTOM_FIELD_CREATION: &'static str = "CUSTOM_FIELD_CREATION";
    /// A tenant key/value changed (e.g. the callback registration itself).
    pub const TENANT_CONFIG_CHANGE: &'static str = "TENANT_CONFIG_CHANGE";

    /// `ACCOUNT_CREATION` for `account_id`.
    pub fn account_creation(account_id: Uuid) -> Self {
        Self::plain(Self::ACCOUNT_CREATION, "ACCOUNT", account_id, Some(account_id))
    }

    /// An invoice event without metadata (`INVOICE_CREATION`, `INVOICE_ADJUSTMENT`).
    pub fn invoice(event_type: &'static str, account_id: Uuid, invoice_id: Uuid) -> Self {
        Self::plain(event_type, "INVOICE", invoice_id, Some(account_id))
    }

    /// `INVOICE_PAYMENT_FAILED` with a null `paymentId`, as sent after a commit when the
    /// account has no default payment method.
    pub fn invoice_payment_failed(invoice: &Invoice, balance_minor: i64) -> Self {
        let amount = Amount { minor: balance_minor, exponent: invoice.currency.exponent() };
        let meta = invoice_payment_meta(None, "ATTEMPT", amount, invoice.currency);
        Self { meta_data: Some(meta), ..Self::invoice(Self::INVOICE_PAYMENT_FAILED, invoice.account_id, invoice.id) }
    }

    /// `INVOICE_PAYMENT_SUCCESS` for a recorded payment.
    pub fn invoice_payment_success(payment: &Payment) -> Self {
        let meta = invoice_payment_meta(Some(payment.id), "ATTEMPT", payment_amount(payment), payment.currency);
        Self {
            meta_data: Some(meta),
            ..Self::invoice(Self::INVOICE_PAYMENT_SUCCESS, payment.account_id, payment.invoice_id)
        }
    }

    /// `PAYMENT_SUCCESS` with `PaymentMetadata`.
    pub fn payment_success(payment: &Payment) -> Self {
        let meta = json!({
            "paymentTransactionId": payment.transaction_id,
            "amount": payment_amount(payment),
            "currency": payment.currency,
            "status": "SUCCESS",
            "transactionType": "PURCHASE",
            "effectiveDate": date_time(payment.audit.at),
        });
        Self {
            meta_data: Some(meta.to_string()),
            ..Self::plain(Self::PAYMENT_SUCCESS, "PAYMENT", payment.id, Some(payment.account_id))
        }
    }

    /// `PAYMENT_SUCCESS` for a REFUND transaction; the amount is the (positive) refunded one.
    pub fn refund_success(payment: &Payment, refund: &Refund) -> Self {
        let meta = json!({
            "paymentTransactionId": refund.transaction_id,
            "amount": Amount { minor: refund.amount_minor, exponent: payment.currency.exponent() },
            "currency": payment.currency,
            "status": "SUCCESS",
            "transactionType": "REFUND",
            "effectiveDate": date_time(refund.audit.at),
        });
        Self {
            meta_data: Some(meta.to_string()),
            ..Self::plain(Self::PAYMENT_SUCCESS, "PAYMENT", payment.id, Some(payment.account_id))
        }
    }

    /// `INVOICE_PAYMENT_SUCCESS` for a refund: `invoicePaymentType` REFUND and, like the
    /// invoice payment row Kill Bill writes for it, a negative amount.
    pub fn invoice_refund_success(payment: &Payment, refund: &Refund) -> Self {
        let amount = Amount { minor: -refund.amount_minor, exponent: payment.currency.exponent() };
        let meta = invoice_payment_meta(Some(payment.id), "REFUND", amount, payment.currency);
        Self {
            meta_data: Some(meta),
            ..Self::invoice(Self::INVOICE_PAYMENT_SUCCESS, payment.account_id, payment.invoice_id)
        }
    }

    /// `CUSTOM_FIELD_CREATION`.
    pub fn custom_field_creation(account_id: Uuid, field_id: Uuid) -> Self {
        Self::plain(Self::CUSTOM_FIELD_CREATION, "CUSTOM_FIELD", field_id, Some(account_id))
    }

    /// `TENANT_CONFIG_CHANGE` for the tenant key `key`.
    pub fn tenant_config_change(object_id: Uuid, key: &str) -> Self {
        Self {
            meta_data: Some(json!({ "key": key }).to_string()),
            ..Self::plain(Self::TENANT_CONFIG_CHANGE, "TENANT_KVS", object_id, None)
        }
    }

    /// The JSON body Kill Bill POSTs to the callback.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "eventType": self.event_type,
            "accountId": self.account_id,
            "objectType": self.object_type,
            "objectId": self.object_id,
            "metaData": self.meta_data,
        })
    }

    fn plain(event_type: &'static str, object_type: &'static str, id: Uuid, account_id: Option<Uuid>) -> Self {
        Self { event_type, object_type, object_id: Some(id), account_id, meta_data: None }
    }
}

fn payment_amount(payment: &Payment) -> Amount {
    Amount { minor: payment.amount_minor, exponent: payment.currency.exponent() }
}

/// `InvoicePaymentMetadata` as a JSON string.
fn invoice_payment_meta(payment_id: Option<Uuid>, kind: &str, amount: Amount, currency: Currency) -> String {
    json!({
        "paymentId": payment_id,
        "paymentAttemptId": payment_id.map(|id| Uuid::new_v5(&id, b"paymentAttempt")),
        "invoicePaymentType": kind,
        "paymentDate": date_time(Utc::now()),
        "amount": amount,
        "currency": currency,
        "linkedInvoicePaymentId": null,
        "paymentCookieId": payment_id.map(|id| Uuid::new_v5(&id, b"paymentCookie")),
        "processedCurrency": currency,
    })
    .to_string()
}
