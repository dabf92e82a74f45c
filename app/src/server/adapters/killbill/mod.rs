//! The Kill Bill adapter: the calls the invoice and payment mirror needs, as
//! a trait ([`KillBillClient`]) with its error ([`KillBillError`]: what is
//! worth retrying, because the request may not have been processed or Kill
//! Bill is busy, and what is final, because Kill Bill refused it); the reqwest
//! client (`http`), the settings and the wire types
//! (`shared/contracts/killbill/NOTES.md` §3 and §4).

mod http;
mod settings;
pub mod wire;

pub use http::HttpKillBillClient;
pub use settings::KillBillSettings;

use std::future::Future;
use uuid::Uuid;
use wire::{
    Account, CustomField, Invoice, InvoicePayment, NewInvoiceItem, NewInvoicePayment, NewItemAdjustment, NewRefund,
    Payment,
};

/// The result of a Kill Bill call.
pub type KbResult<T> = Result<T, KillBillError>;

/// How an account create ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountCreated {
    /// `201`: the new account's id (from `Location`).
    Created(Uuid),
    /// `409`: the external key is taken (an earlier attempt got there); read it again.
    AlreadyExists,
}

/// How an external payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentRecorded {
    /// `201`: the payment's id (from `Location`).
    Recorded(Uuid),
    /// `204`: the invoice had nothing to pay (DRAFT, or balance already 0).
    NothingToPay,
}

/// The Kill Bill calls of the invoice and payment mirror.
pub trait KillBillClient: Send + Sync {
    /// `GET /1.0/healthcheck`: whether Kill Bill is up.
    fn healthcheck(&self) -> impl Future<Output = KbResult<()>> + Send;
    /// The account with this external key, if any.
    fn account_by_external_key(&self, key: &str) -> impl Future<Output = KbResult<Option<Account>>> + Send;
    /// Creates an account.
    fn create_account(&self, account: &Account) -> impl Future<Output = KbResult<AccountCreated>> + Send;
    /// Puts the items on one new DRAFT invoice and returns its id.
    fn create_draft_charges(
        &self,
        account_id: Uuid,
        requested_date: chrono::NaiveDate,
        items: &[NewInvoiceItem],
    ) -> impl Future<Output = KbResult<Uuid>> + Send;
    /// Adds custom fields to an invoice.
    fn add_invoice_custom_fields(
        &self,
        invoice_id: Uuid,
        fields: &[CustomField],
    ) -> impl Future<Output = KbResult<()>> + Send;
    /// Invoice custom fields with this name and value.
    fn search_invoice_custom_fields(
        &self,
        name: &str,
        value: &str,
    ) -> impl Future<Output = KbResult<Vec<CustomField>>> + Send;
    /// Commits a DRAFT invoice; an invoice already committed counts as done.
    fn commit_invoice(&self, invoice_id: Uuid) -> impl Future<Output = KbResult<()>> + Send;
    /// Voids an invoice that has no payment (`PUT …/voidInvoice`, 204).
    /// Kill Bill refuses a paid invoice (4028) and one already VOID (4023).
    fn void_invoice(&self, invoice_id: Uuid) -> impl Future<Output = KbResult<()>> + Send;
    /// Takes part of an invoice item back (`POST /invoices/{invoiceId}`, 201):
    /// Kill Bill adds an `ITEM_ADJ` item, lowering the invoice's amount and
    /// balance. No idempotency key: a resend makes a second adjustment.
    /// Refused: more than is left of the item (4020), a VOID invoice (4031).
    fn adjust_invoice_item(
        &self,
        invoice_id: Uuid,
        adjustment: &NewItemAdjustment,
    ) -> impl Future<Output = KbResult<()>> + Send;
    /// One invoice with its status and amounts; `None` on 404.
    fn invoice(&self, invoice_id: Uuid) -> impl Future<Output = KbResult<Option<Invoice>>> + Send;
    /// Every invoice of an account with its items and amounts.
    fn account_invoices(&self, account_id: Uuid) -> impl Future<Output = KbResult<Vec<Invoice>>> + Send;
    /// The payment with this external key, if any.
    fn payment_by_external_key(&self, key: &str) -> impl Future<Output = KbResult<Option<Payment>>> + Send;
    /// Records a payment collected outside Kill Bill against an invoice.
    fn create_external_payment(
        &self,
        invoice_id: Uuid,
        payment: &NewInvoicePayment,
    ) -> impl Future<Output = KbResult<PaymentRecorded>> + Send;
    /// The account with its balance (`accountBalance`).
    fn account_with_balance(&self, account_id: Uuid) -> impl Future<Output = KbResult<Account>> + Send;
    /// Replaces the account's fields given (`PUT /accounts/{id}`; absent ones are kept).
    fn update_account(&self, account_id: Uuid, account: &Account) -> impl Future<Output = KbResult<()>> + Send;
    /// Refunds part or all of a payment (`POST /invoicePayments/{id}/refunds`).
    fn refund_payment(&self, payment_id: Uuid, refund: &NewRefund) -> impl Future<Output = KbResult<()>> + Send;
    /// A payment with the invoice it paid and its transactions, refunds
    /// included; `None` when Kill Bill does not know it.
    fn invoice_payment(&self, payment_id: Uuid) -> impl Future<Output = KbResult<Option<InvoicePayment>>> + Send;
    /// Every payment of an account, each with the invoice it paid.
    fn account_invoice_payments(&self, account_id: Uuid) -> impl Future<Output = KbResult<Vec<InvoicePayment>>> + Send;
    /// Registers the tenant's push-notification callback (one URL per tenant; replaces the previous one).
    fn register_callback(&self, url: &str) -> impl Future<Output = KbResult<()>> + Send;
}

/// Kill Bill's error `code` for "the invoice is already committed" on commit.
pub const INVOICE_INVALID_STATUS: i64 = 4023;

/// An error from a Kill Bill call.
#[derive(Debug, thiserror::Error)]
pub enum KillBillError {
    /// No answer in time.
    #[error("Kill Bill did not answer in time: {0}")]
    Timeout(String),
    /// The connection failed or broke before a full answer.
    #[error("could not reach Kill Bill: {0}")]
    Connection(String),
    /// A 5xx or 429: Kill Bill is failing or busy.
    #[error("Kill Bill answered {status}: {message}")]
    Unavailable {
        /// The HTTP status (5xx or 429).
        status: u16,
        /// Kill Bill's error message, else the first 300 characters of the body.
        message: String,
        /// How long Kill Bill asked us to wait (`Retry-After`), when it said.
        retry_after: Option<std::time::Duration>,
    },
    /// A 4xx: Kill Bill refused the request, with its error `code` and `message`.
    #[error("Kill Bill refused the request ({status}, code {code:?}): {message}")]
    Refused {
        /// The HTTP status (4xx).
        status: u16,
        /// Kill Bill's error code, when the body has one.
        code: Option<i64>,
        /// Kill Bill's error message, else the first 300 characters of the body.
        message: String,
    },
    /// A 2xx that is not what the API promises (a missing `Location`, a body that does not parse).
    #[error("unexpected answer from Kill Bill: {0}")]
    Unexpected(String),
}

impl KillBillError {
    /// Whether sending again later may succeed: timeouts, connection errors, 5xx and 429.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Connection(_) | Self::Unavailable { .. })
    }

    /// Kill Bill's error code, for refusals.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Refused { code, .. } => *code,
            _ => None,
        }
    }

    /// Classifies a transport error.
    pub fn from_transport(err: &reqwest::Error) -> Self {
        // The full chain names the cause (connection reset, refused, …) without any credential.
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        if err.is_timeout() {
            Self::Timeout(text)
        } else if err.is_decode() {
            Self::Unexpected(text)
        } else {
            Self::Connection(text)
        }
    }

    /// Classifies a non-success status with Kill Bill's error body.
    pub fn from_status(status: u16, body: &str) -> Self {
        Self::from_response(status, None, body)
    }

    /// Classifies a non-success status with its `Retry-After` and Kill Bill's error body.
    pub fn from_response(status: u16, retry_after: Option<std::time::Duration>, body: &str) -> Self {
        let parsed: Option<wire::ErrorBody> = serde_json::from_str(body).ok();
        let code = parsed.as_ref().and_then(|b| b.code);
        let message = parsed.and_then(|b| b.message).unwrap_or_else(|| body.chars().take(300).collect::<String>());
        if status >= 500 || status == 429 {
            Self::Unavailable { status, message, retry_after }
        } else {
            Self::Refused { status, code, message }
        }
    }
}

impl super::retry::Retryable for KillBillError {
    fn is_retryable(&self) -> bool {
        KillBillError::is_retryable(self)
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_and_throttling_are_retryable_and_refusals_are_not() {
        assert!(KillBillError::from_status(503, "").is_retryable());
        assert!(KillBillError::from_status(429, "").is_retryable());
        let refused = KillBillError::from_status(400, r#"{"code":4023,"message":"Invoice is already committed"}"#);
        assert!(!refused.is_retryable());
        assert_eq!(refused.code(), Some(INVOICE_INVALID_STATUS));
        assert!(refused.to_string().contains("already committed"));
    }
}
