//! The Kill Bill reconciliation as the admin panel shows it: our totals and
//! Kill Bill's side by side, how many accounts drift and how, and the
//! drifting accounts one by one.

use crate::domain::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One total compared, e.g. "Invoiced" in EUR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalPair {
    /// What is totalled and in which currency, e.g. "Invoiced (EUR)".
    pub label: String,
    /// Our total.
    pub ours: Money,
    /// Kill Bill's total (zero when Kill Bill has none).
    pub killbill: Money,
}

impl TotalPair {
    /// Whether both sides agree.
    pub fn matches(&self) -> bool {
        self.ours == self.killbill
    }
}

/// One kind of drift and how many accounts show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftCount {
    /// In plain words, e.g. "Balance differs".
    pub label: String,
    /// How many accounts show it.
    pub accounts: i64,
}

/// One account whose Kill Bill side differs from ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftingAccount {
    /// The tenant's name.
    pub name: String,
    /// Our tenant id, Kill Bill's `externalKey`.
    pub external_key: String,
    /// What differs, in plain words.
    pub issue: String,
    /// (label, ours, Kill Bill's) for each compared amount; Kill Bill's is
    /// `None` when the account or the object is missing there.
    pub amounts: Vec<(String, Money, Option<Money>)>,
}

/// A reconciliation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// When Kill Bill was read.
    pub checked_at: DateTime<Utc>,
    /// How many accounts were compared.
    pub accounts_checked: i64,
    /// Invoiced, paid and balance per currency, ours and Kill Bill's.
    pub totals: Vec<TotalPair>,
    /// Accounts per kind of drift.
    pub drift: Vec<DriftCount>,
    /// The drifting accounts, one by one (the first 50; the counts cover them all).
    pub drifting: Vec<DriftingAccount>,
}

impl Reconciliation {
    /// Accounts with any drift.
    pub fn drifting_accounts(&self) -> usize {
        self.drifting.len()
    }
}

/// What the panel can say about the reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ReconciliationState {
    /// Kill Bill has no settings.
    NotConfigured,
    /// No report to show; the reason in plain words, and the technical detail if any.
    Unavailable {
        /// Why there is no report, in plain words.
        reason: String,
        /// The technical detail (e.g. Kill Bill's error), if any.
        detail: Option<String>,
    },
    /// The latest report.
    Ready {
        /// The report itself.
        report: Reconciliation,
    },
}
