//! Recording a payment received against an invoice.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/manage/invoices/{id}/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// The amount received, in the invoice currency's minor units (more than 0).
    pub amount_minor: i64,
    /// The day it was received, `YYYY-MM-DD` (today or earlier).
    pub received_on: String,
    /// `bank_transfer`, `card`, `direct_debit` or `cash`.
    pub method: String,
    /// The bank's or the receipt's reference (unique).
    pub reference: String,
}

/// A recorded payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecorded {
    /// Our id of the payment.
    pub id: Uuid,
    /// The invoice it pays.
    pub invoice_id: Uuid,
    /// The amount, in minor units.
    pub amount_minor: i64,
    /// The invoice's currency.
    pub currency: String,
    /// What is left to pay on the invoice afterwards.
    pub outstanding_minor: i64,
}

/// `POST /api/manage/invoices/{id}/void`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidRequest {
    /// Why the invoice is voided (1 to 500 characters), kept with it and in the audit log.
    pub reason: String,
}

/// A voided invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceVoided {
    /// Our id of the invoice.
    pub id: Uuid,
    /// Its number, which stays taken.
    pub number: String,
    /// When it was voided.
    pub voided_at: chrono::DateTime<chrono::Utc>,
    /// Why.
    pub reason: String,
}

/// `POST /api/manage/payments/{id}/refunds`: money given back on a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// The amount given back, in minor units (more than 0, at most what is
    /// left of the payment).
    pub amount_minor: i64,
    /// Why (1 to 500 characters), kept with the refund and in the audit log.
    pub reason: String,
    /// The day it was given back, `YYYY-MM-DD` (today when absent; not in the future).
    #[serde(default)]
    pub refunded_on: Option<String>,
}

/// A recorded refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRefunded {
    /// Our id of the refund.
    pub id: Uuid,
    /// The payment it gives back.
    pub payment_id: Uuid,
    /// That payment's invoice.
    pub invoice_id: Uuid,
    /// The amount given back, in minor units.
    pub amount_minor: i64,
    /// The invoice's currency.
    pub currency: String,
    /// All that is given back on the payment so far.
    pub refunded_minor: i64,
    /// What is left to pay on the invoice afterwards.
    pub outstanding_minor: i64,
}

/// `POST /api/manage/invoices/{id}/credit-notes`: part of an issued invoice
/// taken back by a new, negative document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteRequest {
    /// The amount taken back, in minor units (more than 0, at most what is
    /// still due on the invoice).
    pub amount_minor: i64,
    /// Why (1 to 500 characters), printed on the note and kept in the audit log.
    pub reason: String,
}

/// An issued credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteIssued {
    /// Our id of the note.
    pub id: Uuid,
    /// Its number, in the credit notes' own yearly series (`CN-2026-000001`).
    pub number: String,
    /// The invoice it corrects.
    pub invoice_id: Uuid,
    /// That invoice's number.
    pub invoice_number: String,
    /// The amount taken back, in minor units.
    pub amount_minor: i64,
    /// The invoice's currency.
    pub currency: String,
    /// The day it was issued.
    pub issued_on: chrono::NaiveDate,
    /// All that is credited on the invoice so far.
    pub credited_minor: i64,
    /// What is still due on the invoice after it.
    pub outstanding_minor: i64,
}
