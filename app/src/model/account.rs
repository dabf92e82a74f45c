//! A tenant's own lease, invoices and payments.

use crate::domain::{InvoiceStatus, Money};
use serde::{Deserialize, Serialize};

/// A lease as its tenant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaseView {
    pub property_name: String,
    pub unit_label: String,
    pub city: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: Option<chrono::NaiveDate>,
    pub rent: Money,
}

/// An invoice line in the tenant's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub id: uuid::Uuid,
    pub number: String,
    pub period_start: chrono::NaiveDate,
    pub due_on: chrono::NaiveDate,
    pub total: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
    /// Past due with something left to pay.
    pub past_due: bool,
}

/// A payment in the tenant's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentView {
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub amount: Money,
    pub method: String,
    pub reference: String,
}

/// Everything `/account` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub display_name: String,
    pub leases: Vec<LeaseView>,
    pub invoices: Vec<InvoiceView>,
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
