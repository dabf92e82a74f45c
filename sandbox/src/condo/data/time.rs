//! Timestamps as Condo writes them: UTC, ISO-8601, millisecond precision, `Z` suffix.

use chrono::{DateTime, SecondsFormat, Utc};

/// Milliseconds since the Unix epoch, the resolution the data set stores.
pub type Millis = i64;

/// Formats `ms` like Condo's `DateTimeUtc` fields, e.g. `2026-08-20T09:14:03.530Z`.
pub fn iso(ms: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an RFC 3339 timestamp into nanoseconds since the epoch, for exact comparisons.
pub fn parse_nanos(text: &str) -> Option<i128> {
    let parsed = DateTime::parse_from_rfc3339(text).ok()?;
    let utc = parsed.with_timezone(&Utc);
    Some(i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos()))
}

/// Parses an RFC 3339 timestamp into whole milliseconds (rounded down).
pub fn parse_millis(text: &str) -> Option<Millis> {
    parse_nanos(text).map(|nanos| nanos.div_euclid(1_000_000) as Millis)
}

/// The current wall-clock time.
pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

/// Milliseconds in one minute, hour and day.
pub const MINUTE: Millis = 60_000;
/// Milliseconds in one hour.
pub const HOUR: Millis = 60 * MINUTE;
/// Milliseconds in one day.
pub const DAY: Millis = 24 * HOUR;

#[cfg(test)]
mod tests {
    use super::{iso, parse_millis, parse_nanos};

    #[test]
    fn timestamps_round_trip_with_millisecond_precision() {
        let ms = parse_millis("2026-08-20T09:14:03.530Z").unwrap();
        assert_eq!(iso(ms), "2026-08-20T09:14:03.530Z");
    }

    #[test]
    fn offsets_and_sub_millisecond_digits_are_understood() {
        let a = parse_nanos("2026-08-20T12:14:03.5305+03:00").unwrap();
        let b = parse_nanos("2026-08-20T09:14:03.530Z").unwrap();
        assert_eq!(a - b, 500_000);
    }
}
