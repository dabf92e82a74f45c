//! How the panel writes instants: absolute in UTC, with a relative hint
//! measured from the snapshot's own time (so the server and the browser
//! render the same text).

use chrono::{DateTime, Utc};

/// "26 Nov 14:02 UTC".
pub fn at(at: DateTime<Utc>) -> String {
    at.format("%-d %b %H:%M UTC").to_string()
}

/// "3 min ago", "in 5 h", "just now", measured from `now`.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds();
    let (future, secs) = (secs < 0, secs.abs());
    let amount = match secs {
        0..45 => return "just now".to_owned(),
        45..5_400 => format!("{} min", (secs + 30) / 60),
        5_400..172_800 => format!("{} h", (secs + 1_800) / 3_600),
        _ => format!("{} days", (secs + 43_200) / 86_400),
    };
    if future { format!("in {amount}") } else { format!("{amount} ago") }
}

/// "26 Nov 14:02 UTC (3 min ago)", or `never` when there is no instant.
pub fn at_with_relative(instant: Option<DateTime<Utc>>, now: DateTime<Utc>, never: &str) -> String {
    instant.map_or(never.to_owned(), |i| format!("{} ({})", at(i), relative(i, now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_absolute_time_and_distance() {
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        assert_eq!(relative(now - chrono::Duration::seconds(10), now), "just now");
        assert_eq!(relative(now - chrono::Duration::minutes(3), now), "3 min ago");
        assert_eq!(relative(now + chrono::Duration::hours(5), now), "in 5 h");
        assert_eq!(relative(now - chrono::Duration::days(4), now), "4 days ago");
        assert_eq!(at_with_relative(None, now, "Never"), "Never");
    }
}
