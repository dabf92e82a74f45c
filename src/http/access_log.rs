//! The access log: one INFO line per request with its id, method, matched
//! route (the pattern, never the raw URI, which may carry a webhook token or
//! a set-password link), status and latency. The id is the client's
//! `x-request-id` when it sent a sane one, else a new one; it is echoed on
//! the response, set on every log line of the request, and sent on to Kill
//! Bill and Condo by the calls the request makes.

use app::server::request_id;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

/// Logs the request once answered, under its id.
pub async fn access_log(mut request: Request, next: Next) -> Response {
    let sent = request.headers().get(request_id::HEADER).and_then(|v| v.to_str().ok());
    let id = request_id::accept_or_new(sent);
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(request_id::HEADER, value);
    }
    let method = request.method().clone();
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = request_id::scope(id.clone(), next.run(request)).instrument(span.clone()).await;
    let route = super::metrics::route_of(&response);
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(%method, route, status, latency_ms, "request");
        } else {
            tracing::info!(%method, route, status, latency_ms, "request");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(request_id::HEADER, value);
    }
    response
}
