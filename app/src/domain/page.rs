//! Pagination parameters as they arrive in a URL, validated once.

use serde::{Deserialize, Serialize};

/// Why pagination parameters were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageRequestError {
    /// `page` is not a whole number of at least 1.
    #[error("`page` must be a whole number of at least 1 (got `{0}`)")]
    Page(String),
    /// `per_page` is not a whole number between 1 and the maximum.
    #[error("`per_page` must be a whole number from 1 to {max} (got `{got}`)")]
    PerPage {
        /// What was sent.
        got: String,
        /// The largest allowed value.
        max: u32,
    },
}

/// A validated page request (1-based page number and page size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl PageRequest {
    /// The largest page size anyone may ask for.
    pub const MAX_PER_PAGE: u32 = 100;

    /// Parses optional raw query values, with defaults for missing ones.
    pub fn parse(page: Option<&str>, per_page: Option<&str>, default_per_page: u32) -> Result<Self, PageRequestError> {
        let page = match page.map(str::trim).filter(|s| !s.is_empty()) {
            None => 1,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=1_000_000).contains(&n) => n,
                _ => return Err(PageRequestError::Page(raw.to_owned())),
            },
        };
        let per_page = match per_page.map(str::trim).filter(|s| !s.is_empty()) {
            None => default_per_page,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=Self::MAX_PER_PAGE).contains(&n) => n,
                _ => return Err(PageRequestError::PerPage { got: raw.to_owned(), max: Self::MAX_PER_PAGE }),
            },
        };
        Ok(Self { page, per_page })
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// Rows to fetch.
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    /// Number of pages needed for `total` items (at least 1).
    pub fn page_count(&self, total: i64) -> u32 {
        let per = i64::from(self.per_page);
        u32::try_from(((total + per - 1) / per).max(1)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_take_the_defaults() {
        assert_eq!(PageRequest::parse(None, None, 12), Ok(PageRequest { page: 1, per_page: 12 }));
        assert_eq!(PageRequest::parse(Some(""), Some(" "), 12), Ok(PageRequest { page: 1, per_page: 12 }));
    }

    #[test]
    fn negative_zero_and_non_numeric_pages_are_refused() {
        for bad in ["-1", "0", "abc", "1.5", "99999999999"] {
            assert!(matches!(PageRequest::parse(Some(bad), None, 12), Err(PageRequestError::Page(_))), "{bad}");
        }
    }

    #[test]
    fn page_size_is_capped() {
        assert!(PageRequest::parse(None, Some("101"), 12).is_err());
        assert_eq!(PageRequest::parse(None, Some("100"), 12).unwrap().per_page, 100);
    }

    #[test]
    fn offsets_and_page_counts_follow_the_page_size() {
        let req = PageRequest::parse(Some("3"), Some("10"), 12).unwrap();
        assert_eq!(req.offset(), 20);
        assert_eq!(req.page_count(0), 1);
        assert_eq!(req.page_count(21), 3);
    }
}
