//! The rent run as the back office and the JSON API ask for it and report it.

use serde::{Deserialize, Serialize};

/// `POST /api/manage/billing/run`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingRunRequest {
    /// The month to bill, `YYYY-MM`.
    pub period: String,
}

/// What a rent run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingRunResult {
    /// The month billed, `YYYY-MM`.
    pub period: String,
    /// Invoices issued by this run.
    pub created: i32,
    /// Leases of the month that already had their invoice.
    pub skipped: i32,
    /// The run's `sync_run` row (its history on the admin panel).
    pub run_id: i64,
}
