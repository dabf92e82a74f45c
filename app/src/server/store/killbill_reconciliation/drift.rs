//! What one difference between our books and Kill Bill's is: its kind, the
//! object, both values (and for an amount both figures exactly, with the
//! difference), and the counts of a list of them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What kind of difference was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// On one side only (an account, invoice or payment).
    Missing,
    /// On both sides with different amounts.
    AmountMismatch,
    /// On both sides in different states (e.g. voided here, committed there).
    StatusMismatch,
}

/// One difference, on one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftItem {
    pub kind: DriftKind,
    /// `account`, `invoice`, `payment` or `balance`.
    pub object: String,
    pub local_id: Option<Uuid>,
    pub killbill_id: Option<String>,
    /// Our value (amount as a decimal, or a status), if any.
    pub local: Option<String>,
    /// Kill Bill's value, if any.
    pub killbill: Option<String>,
    /// In plain words.
    pub detail: String,
    /// For an amount: ours, Kill Bill's and Kill Bill's less ours, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amounts: Option<DriftAmounts>,
}

/// Both figures of an amount that differs, exactly, and the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftAmounts {
    pub local_minor: i64,
    pub killbill_minor: i64,
    /// Kill Bill's less ours (negative: Kill Bill's is lower).
    pub difference_minor: i64,
}

impl DriftAmounts {
    /// Ours and Kill Bill's.
    pub fn of(local_minor: i64, killbill_minor: i64) -> Self {
        Self { local_minor, killbill_minor, difference_minor: killbill_minor - local_minor }
    }
}

/// Drift counts by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftCounts {
    pub missing: i32,
    pub amount_mismatch: i32,
    pub status_mismatch: i32,
}

impl DriftCounts {
    /// Counts of a list of drift items.
    pub fn of(items: &[DriftItem]) -> Self {
        let count = |kind| i32::try_from(items.iter().filter(|d| d.kind == kind).count()).unwrap_or(i32::MAX);
        Self {
            missing: count(DriftKind::Missing),
            amount_mismatch: count(DriftKind::AmountMismatch),
            status_mismatch: count(DriftKind::StatusMismatch),
        }
    }

    /// Every drift found.
    pub fn total(&self) -> i32 {
        self.missing + self.amount_mismatch + self.status_mismatch
    }

    pub(super) fn add(&mut self, other: DriftCounts) {
        self.missing += other.missing;
        self.amount_mismatch += other.amount_mismatch;
        self.status_mismatch += other.status_mismatch;
    }
}
