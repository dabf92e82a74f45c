//! Security headers on every response: the Content Security Policy (scripts
//! from our origin only; a rendered page sets its own, adding the nonce of
//! its inline scripts), no framing by other sites (`frame-ancestors 'none'`,
//! `X-Frame-Options`), no MIME sniffing, a referrer that stops at our origin
//! for other sites, and HSTS when the public URL is https.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Two years, subdomains included, as browsers' preload lists expect.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds the headers (a handler that set one keeps its own). `https`: the
/// public URL is https, so browsers are told to keep to it.
pub async fn security_headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(&app::components::content_security::policy(None))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}
