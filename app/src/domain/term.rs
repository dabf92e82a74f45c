//! The term of an offer: what one price is for. A monthly rent and a nightly
//! rate are different kinds of offer, so prices are only ever compared within
//! one term (and one currency).

use serde::{Deserialize, Serialize};

/// Which offers a search shows, by the unit their price is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchTerm {
    /// Long-term homes, priced per month: what the business mostly lets, and the default.
    Month,
    /// Priced per week.
    Week,
    /// Short stays priced per night (stored as `day`).
    Night,
    /// Priced per hour.
    Hour,
    /// Every term together: newest first only, never ordered or filtered by price.
    Any,
}

impl SearchTerm {
    /// The term of a search that does not name one.
    pub const DEFAULT: SearchTerm = SearchTerm::Month;

    /// The URL values, in the order the form offers them.
    pub const VALUES: [&'static str; 5] = ["month", "week", "night", "hour", "any"];

    /// Reads a URL value (`day` is accepted for `night`).
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "month" => Ok(Self::Month),
            "week" => Ok(Self::Week),
            "night" | "day" => Ok(Self::Night),
            "hour" => Ok(Self::Hour),
            "any" => Ok(Self::Any),
            v => Err(format!("`term` must be one of {} (got `{v}`)", Self::VALUES.join(", "))),
        }
    }

    /// The URL value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Week => "week",
            Self::Night => "night",
            Self::Hour => "hour",
            Self::Any => "any",
        }
    }

    /// The `listing.price_unit` of this term's offers; `None` for every term.
    pub fn price_unit(self) -> Option<&'static str> {
        match self {
            Self::Month => Some("month"),
            Self::Week => Some("week"),
            Self::Night => Some("day"),
            Self::Hour => Some("hour"),
            Self::Any => None,
        }
    }

    /// What the visitor is shown, e.g. "long-term homes, priced per month".
    pub fn label(self) -> &'static str {
        match self {
            Self::Month => "long-term homes, priced per month",
            Self::Week => "stays priced per week",
            Self::Night => "short stays, priced per night",
            Self::Hour => "short stays, priced per hour",
            Self::Any => "offers of every term (per month, per night, per hour…)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_value_reads_back_as_itself() {
        for value in SearchTerm::VALUES {
            assert_eq!(SearchTerm::parse(value).unwrap().as_str(), value);
        }
        assert_eq!(SearchTerm::parse("day"), Ok(SearchTerm::Night));
        assert!(SearchTerm::parse("year").unwrap_err().contains("`term`"));
    }

    #[test]
    fn a_night_is_a_stored_day_and_any_is_no_unit() {
        assert_eq!(SearchTerm::Night.price_unit(), Some("day"));
        assert_eq!(SearchTerm::DEFAULT.price_unit(), Some("month"));
        assert_eq!(SearchTerm::Any.price_unit(), None);
    }
}
