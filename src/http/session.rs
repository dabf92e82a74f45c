//! Browser session middleware: refreshing an expired access cookie from the
//! refresh cookie, and refusing cross-site state-changing requests (CSRF).

use app::model::AppError;
use app::server::auth::cookies::{ACCESS_COOKIE, REFRESH_COOKIE, read_cookie, session_cookies};
use app::server::auth::extractor::VerifiedCaller;
use app::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| read_cookie(c, name))
        .map(str::to_owned)
}

/// When the access cookie is missing or expired but a refresh cookie is
/// present, rotates the refresh token, lets this request through as the
/// signed-in user and sets the new cookies on the response. Either way, the
/// caller it verified goes with the request ([`VerifiedCaller`]), so the
/// token is checked once per request.
pub async fn refresh_session(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    let caller = cookie_value(headers, ACCESS_COOKIE).and_then(|t| state.auth.verify_access(&t).ok());
    if let Some(caller) = caller {
        request.extensions_mut().insert(VerifiedCaller(caller));
        return next.run(request).await;
    }
    let Some(refresh) = cookie_value(request.headers(), REFRESH_COOKIE).filter(|r| !r.is_empty()) else {
        return next.run(request).await;
    };
    let Ok(tokens) = state.auth.refresh(&state.pool, &refresh).await else {
        return next.run(request).await;
    };
    if let Ok(caller) = state.auth.verify_access(&tokens.access_token) {
        request.extensions_mut().insert(VerifiedCaller(caller));
    }
    let mut response = next.run(request).await;
    for cookie in session_cookies(&tokens, &state.auth.settings) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Refuses state-changing requests from other sites: when a browser says
/// where a POST/PUT/PATCH/DELETE comes from (`Origin`, else `Referer`), it
/// must be our origin: the one of `MARKETPLACE_PUBLIC_URL` when it is set
/// (`public_origin`; a reverse proxy may rewrite `Host`), else this `Host`.
/// A cookie-carrying request that says nothing is refused too. Machine
/// clients with `Authorization: Bearer` are not browsers and pass.
pub async fn reject_cross_site(
    State(public_origin): State<Option<std::sync::Arc<str>>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method();
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    let same_site = match (source, public_origin.as_deref()) {
        (Some(url), Some(ours)) => origin_of(url).is_some_and(|o| o.eq_ignore_ascii_case(ours)),
        (Some(url), None) => url_host(url).is_some_and(|h| h.eq_ignore_ascii_case(host)),
        (None, _) => !headers.contains_key(header::COOKIE),
    };
    if same_site {
        next.run(request).await
    } else {
        tracing::warn!(origin = source.unwrap_or("none"), %host, "cross-site request refused");
        AppError::Forbidden.into_response()
    }
}

/// `host[:port]` of an absolute URL.
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// `scheme://host[:port]` of an absolute URL (its origin, as `Origin` says it).
pub fn origin_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once("://")?;
    let host = url_host(url)?;
    (!scheme.is_empty() && !host.is_empty()).then(|| &url[..scheme.len() + 3 + host.len()])
}

#[cfg(test)]
mod tests {
    use super::{origin_of, url_host};

    #[test]
    fn the_origin_of_a_url_is_scheme_host_and_port() {
        assert_eq!(origin_of("https://marketplace.example/manage?x=1"), Some("https://marketplace.example"));
        assert_eq!(origin_of("http://127.0.0.1:3101"), Some("http://127.0.0.1:3101"));
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("https:///path"), None);
    }

    #[test]
    fn the_host_of_an_origin_or_referer_is_found() {
        assert_eq!(url_host("http://127.0.0.1:3101"), Some("127.0.0.1:3101"));
        assert_eq!(url_host("https://evil.test/form?x=1"), Some("evil.test"));
        assert_eq!(url_host("null"), None);
    }
}
