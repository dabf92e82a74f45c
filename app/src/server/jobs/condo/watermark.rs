//! The ticket watermark: the (`updatedAt`, `number`) key of the last committed ticket,
//! stored as `<updatedAt>|<number>` in `sync_state.watermark`.

use chrono::{DateTime, SecondsFormat, Utc};
use std::time::Duration;

use crate::server::adapters::condo::TicketCursor;

/// A position in Condo's (`updatedAt`, `number`) ticket order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// `updatedAt` exactly as Condo sent it.
    pub updated_at: String,
    /// `number` of that ticket.
    pub number: i64,
    at: DateTime<Utc>,
}

impl Watermark {
    /// A watermark from a ticket's `updatedAt` and `number`; `None` if the time is unreadable.
    pub fn new(updated_at: &str, number: i64) -> Option<Self> {
        let at = DateTime::parse_from_rfc3339(updated_at).ok()?.with_timezone(&Utc);
        Some(Self { updated_at: updated_at.to_owned(), number, at })
    }

    /// Reads `<updatedAt>|<number>`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (updated_at, number) = raw.rsplit_once('|')?;
        Self::new(updated_at, number.parse().ok()?)
    }

    /// The stored form, `<updatedAt>|<number>`.
    pub fn format(&self) -> String {
        format!("{}|{}", self.updated_at, self.number)
    }

    /// The later of two positions.
    pub fn max(self, other: Self) -> Self {
        if (other.at, other.number) > (self.at, self.number) { other } else { self }
    }

    /// Where the next run starts: exactly after this key, or `overlap` earlier to cover
    /// clock skew between Condo's servers (re-read tickets are skipped by version).
    pub fn resume_cursor(&self, overlap: Duration) -> TicketCursor {
        if overlap.is_zero() {
            return TicketCursor::After { updated_at: self.updated_at.clone(), number: self.number };
        }
        let since = self.at - chrono::Duration::from_std(overlap).unwrap_or_default();
        TicketCursor::Since(since.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watermark_round_trips_and_the_later_one_wins() {
        let a = Watermark::parse("2026-08-20T09:14:03.530Z|18342").unwrap();
        assert_eq!(a.format(), "2026-08-20T09:14:03.530Z|18342");
        let b = Watermark::new("2026-08-20T09:14:03.530Z", 18343).unwrap();
        assert_eq!(a.clone().max(b.clone()), b);
        assert_eq!(b.clone().max(a), b);
        assert!(Watermark::parse("yesterday|1").is_none() && Watermark::parse("2026-08-20T09:14:03.530Z").is_none());
    }

    #[test]
    fn the_resume_cursor_is_exact_or_overlaps_by_the_setting() {
        let w = Watermark::parse("2026-08-20T09:14:03.530Z|7").unwrap();
        let exact = TicketCursor::After { updated_at: "2026-08-20T09:14:03.530Z".into(), number: 7 };
        assert_eq!(w.resume_cursor(Duration::ZERO), exact);
        assert_eq!(w.resume_cursor(Duration::from_secs(300)), TicketCursor::Since("2026-08-20T09:09:03.530Z".into()));
    }
}
