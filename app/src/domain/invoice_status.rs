//! An invoice's status as people read it, derived from amounts and dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Cancelled; nothing is owed.
    Void,
    /// Fully paid.
    Paid,
    /// Some paid, some left to pay (whether or not it is past due).
    PartlyPaid,
    /// Past its due date with nothing paid.
    Overdue,
    /// Nothing paid, not yet due.
    Open,
}

impl InvoiceStatus {
    /// Derives the status from the total, the amount paid, the due date and today.
    pub fn derive(total_minor: i64, paid_minor: i64, due_on: NaiveDate, today: NaiveDate, voided: bool) -> Self {
        if voided {
            InvoiceStatus::Void
        } else if paid_minor >= total_minor {
            InvoiceStatus::Paid
        } else if paid_minor > 0 {
            InvoiceStatus::PartlyPaid
        } else if today > due_on {
            InvoiceStatus::Overdue
        } else {
            InvoiceStatus::Open
        }
    }

    /// Label shown to people.
    pub fn label(&self) -> &'static str {
        match self {
            InvoiceStatus::Void => "Void",
            InvoiceStatus::Paid => "Paid",
            InvoiceStatus::PartlyPaid => "Partly paid",
            InvoiceStatus::Overdue => "Overdue",
            InvoiceStatus::Open => "Open",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn status_follows_amounts_and_due_date() {
        assert_eq!(InvoiceStatus::derive(100, 100, day(5), day(20), false), InvoiceStatus::Paid);
        assert_eq!(InvoiceStatus::derive(100, 40, day(5), day(20), false), InvoiceStatus::PartlyPaid);
        assert_eq!(InvoiceStatus::derive(100, 0, day(5), day(20), false), InvoiceStatus::Overdue);
        assert_eq!(InvoiceStatus::derive(100, 40, day(25), day(20), false), InvoiceStatus::PartlyPaid);
        assert_eq!(InvoiceStatus::derive(100, 0, day(25), day(20), false), InvoiceStatus::Open);
        assert_eq!(InvoiceStatus::derive(100, 0, day(5), day(20), true), InvoiceStatus::Void);
    }

    #[test]
    fn the_due_date_itself_is_not_overdue() {
        assert_eq!(InvoiceStatus::derive(100, 0, day(5), day(5), false), InvoiceStatus::Open);
    }
}
