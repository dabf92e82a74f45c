//! Payment bodies: `Payment`, `InvoicePayment` and `PaymentTransaction` of kbswagger.yaml. An
//! external payment is one successful PURCHASE on the account's `__EXTERNAL_PAYMENT__` method,
//! followed by its successful REFUNDs.

use serde::Serialize;
use uuid::Uuid;

use super::{AuditLogJson, AuditMode, audit_logs, date_time};
use crate::killbill::money::{Amount, Currency};
use crate::killbill::store::model::{Payment, Refund};

/// `PaymentTransaction`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentTransactionJson {
    transaction_id: Uuid,
    transaction_external_key: String,
    payment_id: Uuid,
    payment_external_key: String,
    transaction_type: &'static str,
    amount: Amount,
    currency: Currency,
    effective_date: String,
    processed_amount: Amount,
    processed_currency: Currency,
    status: &'static str,
    gateway_error_code: Option<String>,
    gateway_error_msg: Option<String>,
    first_payment_reference_id: Option<String>,
    second_payment_reference_id: Option<String>,
    properties: Option<Vec<serde_json::Value>>,
    audit_logs: Vec<AuditLogJson>,
}

/// `Payment`, and `InvoicePayment` when `targetInvoiceId` is set.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    target_invoice_id: Option<Uuid>,
    account_id: Uuid,
    payment_id: Uuid,
    payment_number: String,
    payment_external_key: String,
    auth_amount: Amount,
    captured_amount: Amount,
    purchased_amount: Amount,
    refunded_amount: Amount,
    credited_amount: Amount,
    currency: Currency,
    payment_method_id: Uuid,
    transactions: Vec<PaymentTransactionJson>,
    payment_attempts: Option<Vec<serde_json::Value>>,
    audit_logs: Vec<AuditLogJson>,
}

impl PaymentJson {
    /// A `Payment` (no invoice link).
    pub fn payment(payment: &Payment, audit: AuditMode) -> Self {
        let exponent = payment.currency.exponent();
        let amount = Amount { minor: payment.amount_minor, exponent };
        Self {
            target_invoice_id: None,
            account_id: payment.account_id,
            payment_id: payment.id,
            payment_number: payment.number.to_string(),
            payment_external_key: payment.external_key.clone(),
            auth_amount: Amount::zero(exponent),
            captured_amount: Amount::zero(exponent),
            purchased_amount: amount,
            refunded_amount: Amount { minor: payment.refunded_minor(), exponent },
            credited_amount: Amount::zero(exponent),
            currency: payment.currency,
            payment_method_id: payment.payment_method_id,
            transactions: std::iter::once(PaymentTransactionJson::purchase(payment, amount, audit))
                .chain(payment.refunds.iter().map(|r| PaymentTransactionJson::refund(payment, r, audit)))
                .collect(),
            payment_attempts: None,
            audit_logs: audit_logs(audit, "PAYMENT", payment.id, &payment.audit),
        }
    }

    /// An `InvoicePayment`: the payment with its `targetInvoiceId`.
    pub fn invoice_payment(payment: &Payment, audit: AuditMode) -> Self {
        Self { target_invoice_id: Some(payment.invoice_id), ..Self::payment(payment, audit) }
    }
}

impl PaymentTransactionJson {
    /// The successful PURCHASE of an external payment.
    fn purchase(payment: &Payment, amount: Amount, audit: AuditMode) -> Self {
        Self {
            transaction_id: payment.transaction_id,
            transaction_external_key: payment.transaction_id.to_string(),
            payment_id: payment.id,
            payment_external_key: payment.external_key.clone(),
            transaction_type: "PURCHASE",
            amount,
            currency: payment.currency,
            effective_date: date_time(payment.audit.at),
            processed_amount: amount,
            processed_currency: payment.currency,
            status: "SUCCESS",
            gateway_error_code: None,
            gateway_error_msg: None,
            first_payment_reference_id: None,
            second_payment_reference_id: None,
            properties: None,
            audit_logs: audit_logs(audit, "TRANSACTION", payment.transaction_id, &payment.audit),
        }
    }

    /// A successful REFUND of an external payment.
    fn refund(payment: &Payment, refund: &Refund, audit: AuditMode) -> Self {
        let amount = Amount { minor: refund.amount_minor, exponent: payment.currency.exponent() };
        Self {
            transaction_id: refund.transaction_id,
            transaction_external_key: refund.external_key.clone(),
            transaction_type: "REFUND",
            amount,
            effective_date: date_time(refund.audit.at),
            processed_amount: amount,
            audit_logs: audit_logs(audit, "TRANSACTION", refund.transaction_id, &refund.audit),
            ..Self::purchase(payment, amount, AuditMode::default())
        }
    }
}
