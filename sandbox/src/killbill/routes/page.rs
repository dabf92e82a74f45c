//! Kill Bill pagination: `offset`/`limit` query parameters, a JSON array body and the
//! `X-Killbill-Pagination-*` headers (`JaxRsResourceBase.buildStreamingPaginationResponse`).

use axum::Json;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Page size when `limit` is not given.
const DEFAULT_LIMIT: u64 = 100;

/// Which slice of the results to return.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    offset: u64,
    limit: u64,
}

impl Page {
    /// From the `offset` and `limit` query parameters (defaults 0 and 100).
    pub fn new(offset: Option<u64>, limit: Option<u64>) -> Self {
        Self { offset: offset.unwrap_or(0), limit: limit.unwrap_or(DEFAULT_LIMIT) }
    }

    /// Answers one page of `matching`. `max` is the size of the whole table (MaxNbRecords);
    /// `next_uri(offset, limit)` gives the relative URI of the next page.
    pub fn respond<T, J: Serialize>(
        self,
        matching: Vec<T>,
        max: usize,
        render: impl Fn(T) -> J,
        next_uri: impl FnOnce(u64, u64) -> String,
    ) -> Response {
        let total = matching.len() as u64;
        let body: Vec<J> = matching
            .into_iter()
            .skip(usize::try_from(self.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .map(render)
            .collect();
        let mut headers = HeaderMap::new();
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        set("X-Killbill-Pagination-CurrentOffset", self.offset.to_string());
        set("X-Killbill-Pagination-TotalNbRecords", total.to_string());
        set("X-Killbill-Pagination-MaxNbRecords", max.to_string());
        let next = self.offset.saturating_add(self.limit);
        if next < total {
            set("X-Killbill-Pagination-NextOffset", next.to_string());
            set("X-Killbill-Pagination-NextPageUri", next_uri(next, self.limit));
        }
        (headers, Json(body)).into_response()
    }
}
