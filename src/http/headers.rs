//! Security headers on every response: no framing by other sites
//! (`frame-ancestors 'none'`, `X-Frame-Options`), no MIME sniffing, a
//! referrer that stops at our origin for other sites, forms and `<base>` kept
//! to our own origin, no plugins, and HSTS when the public URL is https.
//! (Scripts are not restricted yet: the hydration scripts are inline.)

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy every page and answer carries.
const CSP: &str = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
/// Two years, subdomains included, as browsers' preload lists expect.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds the headers (a handler that set one keeps its own). `https`: the
/// public URL is https, so browsers are told to keep to it.
pub async fn security_headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}
