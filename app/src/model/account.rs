//! A tenant's own lease, invoices and payments.

use crate::domain::{InvoiceStatus, Money};
use serde::{Deserialize, Serialize};

/// A lease as its tenant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaseView {
    /// Name of the property the rented unit is in.
    pub property_name: String,
    /// The unit's label within its property (e.g. "3B").
    pub unit_label: String,
    /// City the property is in.
    pub city: String,
    /// First day of the lease.
    pub starts_on: chrono::NaiveDate,
    /// Last day of the lease; `None` for an open-ended lease.
    pub ends_on: Option<chrono::NaiveDate>,
    /// The monthly rent.
    pub rent: Money,
}

/// An invoice line in the tenant's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    /// Our id of the invoice.
    pub id: uuid::Uuid,
    /// The invoice number printed on it.
    pub number: String,
    /// First day of the period the invoice bills.
    pub period_start: chrono::NaiveDate,
    /// When payment is due.
    pub due_on: chrono::NaiveDate,
    /// The invoice total.
    pub total: Money,
    /// What has been paid against it so far.
    pub paid: Money,
    /// What credit notes took back of it, when they did.
    #[serde(default)]
    pub credited: Option<Money>,
    /// Paid, partly paid, open, overdue or void, as of today.
    pub status: InvoiceStatus,
    /// Past due with something left to pay.
    pub past_due: bool,
}

/// A payment in the tenant's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentView {
    /// When the payment was received.
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// The amount paid.
    pub amount: Money,
    /// How it was paid: `bank_transfer`, `card`, `direct_debit` or `cash`.
    pub method: String,
    /// The payment's unique reference.
    pub reference: String,
    /// What of it was given back, if anything.
    #[serde(default)]
    pub refunded: Option<Money>,
}

/// Everything `/account` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    /// The tenant's name as shown in the greeting.
    pub display_name: String,
    /// The tenant's leases, newest first.
    pub leases: Vec<LeaseView>,
    /// The tenant's invoices, newest first.
    pub invoices: Vec<InvoiceView>,
    /// The tenant's payments, newest first.
    pub payments: Vec<PaymentView>,
    /// Left to pay over all invoices.
    pub balance: Option<Money>,
}

/// One invoice as `GET /api/invoices/{id}` serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRecord {
    /// Our id.
    pub id: uuid::Uuid,
    /// The invoice number.
    pub number: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The total, in minor units.
    pub total_minor: i64,
    /// What has been paid, in minor units.
    pub paid_minor: i64,
    /// When it is due.
    pub due_on: chrono::NaiveDate,
}
