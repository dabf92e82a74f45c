//! What every back-office list takes: a page (50 rows each) and the words of
//! its search box (`q`, at most 100 characters, matched in any case).

use crate::model::AppError;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;
/// The longest search accepted.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A checked page and search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    /// Rows to return.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
    /// The trimmed search, `None` when empty.
    pub search: Option<&'a str>,
}

/// Checks `page` (from 1, default 1) and `q`: a 400 naming the parameter otherwise.
pub fn list_params(page: Option<i64>, q: Option<&str>) -> Result<ListParams<'_>, AppError> {
    let page = page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(AppError::Validation("page: from 1".into()));
    }
    let search = q.map(str::trim).filter(|q| !q.is_empty());
    if search.is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS) {
        return Err(AppError::Validation(format!("q: at most {MAX_SEARCH_CHARS} characters")));
    }
    Ok(ListParams { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, search })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_searches_are_checked() {
        assert_eq!(list_params(None, Some("  ")).unwrap(), ListParams { limit: 50, offset: 0, search: None });
        assert_eq!(list_params(Some(3), Some(" Lyon ")).unwrap().offset, 100);
        assert_eq!(list_params(Some(3), Some(" Lyon ")).unwrap().search, Some("Lyon"));
        assert!(list_params(Some(0), None).is_err());
        assert!(list_params(None, Some(&"é".repeat(101))).is_err());
        assert!(list_params(None, Some(&"é".repeat(100))).is_ok(), "characters, not bytes");
    }
}
