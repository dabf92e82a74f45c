//! Bounds on the work one server takes on: at most
//! `MARKETPLACE_MAX_CONCURRENT_REQUESTS` requests are handled at once (the
//! rest wait for a place), and a request not answered within
//! `MARKETPLACE_REQUEST_TIMEOUT` (waiting included) is answered 503 with
//! `Retry-After`, so a stalled upstream, a slow client body or a stuck
//! render cannot hold a connection and its resources forever.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The shared limits of one server.
#[derive(Clone)]
pub struct Limits {
    places: Arc<Semaphore>,
    timeout: Duration,
}

impl Limits {
    /// `concurrency` requests at once, each answered within `timeout`.
    pub fn new(concurrency: usize, timeout: Duration) -> Self {
        Self { places: Arc::new(Semaphore::new(concurrency)), timeout }
    }
}

/// Waits for a place, then runs the request, all within the timeout.
pub async fn bound(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let work = async {
        // The semaphore is never closed, so a place always comes.
        let _place = limits.places.acquire().await;
        next.run(request).await
    };
    match tokio::time::timeout(limits.timeout, work).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = limits.timeout.as_millis() as u64, "request timed out");
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "The server took too long to answer; try again.").into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}
