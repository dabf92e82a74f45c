//! Request counters of the Kill Bill API (`/1.0/kb/…`), for tests and benchmarks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{OriginalUri, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::killbill::faults::FaultStats;
use crate::killbill::notify::NotificationStats;
use crate::killbill::state::AppState;

/// Counters since start or the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    /// Kill Bill API requests received (faulted ones included).
    pub total: u64,
    /// GET, HEAD and OPTIONS requests.
    pub reads: u64,
    /// POST, PUT and DELETE requests.
    pub writes: u64,
    /// Requests per HTTP method.
    pub by_method: BTreeMap<String, u64>,
    /// Requests per `METHOD path`, ids replaced by `{id}`.
    pub by_endpoint: BTreeMap<String, u64>,
    /// Injected faults.
    pub faults: FaultStats,
    /// Push-notification deliveries.
    pub notifications: NotificationStats,
}

/// Accumulates request counts.
#[derive(Debug, Default)]
pub struct StatsRecorder {
    counts: Mutex<RequestStats>,
}

impl StatsRecorder {
    /// Counts one request.
    pub fn record(&self, method: &Method, path: &str) {
        let mut counts = self.counts.lock().expect("stats poisoned");
        counts.total += 1;
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            counts.reads += 1;
        } else {
            counts.writes += 1;
        }
        *counts.by_method.entry(method.to_string()).or_default() += 1;
        *counts.by_endpoint.entry(format!("{method} {}", endpoint(path))).or_default() += 1;
    }

    /// The request counts (fault and notification counters are left empty).
    pub fn snapshot(&self) -> RequestStats {
        self.counts.lock().expect("stats poisoned").clone()
    }

    /// Clears the counts.
    pub fn reset(&self) {
        *self.counts.lock().expect("stats poisoned") = RequestStats::default();
    }
}

/// Middleware counting every request it sees.
pub async fn count_requests(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.extensions().get::<OriginalUri>().map_or(request.uri().path(), |u| u.path());
    app.stats.record(request.method(), path);
    next.run(request).await
}

/// The path with every UUID or number segment replaced by `{id}`.
fn endpoint(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let is_id =
                uuid::Uuid::parse_str(seg).is_ok() || (!seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()));
            if is_id { "{id}" } else { seg }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_folded_into_one_endpoint() {
        let path = "/1.0/kb/invoices/4bc38bfd-3210-4293-bcfc-7c95b2d1472a/payments";
        assert_eq!(endpoint(path), "/1.0/kb/invoices/{id}/payments");
        assert_eq!(endpoint("/1.0/kb/invoices/byNumber/12"), "/1.0/kb/invoices/byNumber/{id}");
    }
}
