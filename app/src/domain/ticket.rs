//! A maintenance ticket's status and priority, as Condo names them: stored as
//! text, read and written as these enums everywhere else.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a ticket stands (Condo's `TicketStatus.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum TicketStatus {
    /// New, or reopened after it was closed.
    NewOrReopened,
    /// Someone is on it.
    Processing,
    /// Put off until later.
    Deferred,
    /// The work is done.
    Completed,
    /// Closed after completion.
    Closed,
    /// Canceled.
    Canceled,
}

impl TicketStatus {
    /// Every status, open ones first.
    pub const ALL: [TicketStatus; 6] = [
        TicketStatus::NewOrReopened,
        TicketStatus::Processing,
        TicketStatus::Deferred,
        TicketStatus::Completed,
        TicketStatus::Closed,
        TicketStatus::Canceled,
    ];

    /// The stored and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::NewOrReopened => "new_or_reopened",
            TicketStatus::Processing => "processing",
            TicketStatus::Deferred => "deferred",
            TicketStatus::Completed => "completed",
            TicketStatus::Closed => "closed",
            TicketStatus::Canceled => "canceled",
        }
    }

    /// The status named `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The words shown for it.
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::NewOrReopened => "New",
            TicketStatus::Processing => "In progress",
            TicketStatus::Deferred => "Deferred",
            TicketStatus::Completed => "Completed",
            TicketStatus::Closed => "Closed",
            TicketStatus::Canceled => "Canceled",
        }
    }

    /// Still to be handled (a passed deadline makes it overdue).
    pub fn is_open(self) -> bool {
        matches!(self, TicketStatus::NewOrReopened | TicketStatus::Processing | TicketStatus::Deferred)
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How soon a ticket must be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum TicketPriority {
    /// At once.
    Urgent,
    /// Soon.
    High,
    /// In the normal course.
    Normal,
    /// When there is time.
    Low,
}

impl TicketPriority {
    /// Every priority, highest first.
    pub const ALL: [TicketPriority; 4] =
        [TicketPriority::Urgent, TicketPriority::High, TicketPriority::Normal, TicketPriority::Low];

    /// The stored and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketPriority::Urgent => "urgent",
            TicketPriority::High => "high",
            TicketPriority::Normal => "normal",
            TicketPriority::Low => "low",
        }
    }

    /// The priority named `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The words shown for it.
    pub fn label(self) -> &'static str {
        match self {
            TicketPriority::Urgent => "Urgent",
            TicketPriority::High => "High",
            TicketPriority::Normal => "Normal",
            TicketPriority::Low => "Low",
        }
    }
}

impl fmt::Display for TicketPriority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for status in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for priority in TicketPriority::ALL {
            assert_eq!(TicketPriority::parse(priority.as_str()), Some(priority));
        }
        assert_eq!(TicketStatus::parse("open"), None);
        assert_eq!(TicketPriority::parse("asap"), None);
    }

    #[test]
    fn only_new_processing_and_deferred_tickets_are_open() {
        let open: Vec<_> = TicketStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [TicketStatus::NewOrReopened, TicketStatus::Processing, TicketStatus::Deferred]);
    }
}
