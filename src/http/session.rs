//! Browser session middleware: refreshing an expired access cookie from the
//! refresh cookie, and refusing cross-site state-changing requests (CSRF).

use app::model::AppError;
use app::server::auth::cookies::{ACCESS_COOKIE, REFRESH_COOKIE, read_cookie, session_cookies};
use app::server::auth::extractor::FreshAccessToken;
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
/// signed-in user and sets the new cookies on the response.
pub async fn refresh_session(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    let access_ok = cookie_value(headers, ACCESS_COOKIE).is_some_and(|t| state.auth.verify_access(&t).is_ok());
    let refresh = cookie_value(headers, REFRESH_COOKIE).filter(|r| !r.is_empty());
    let (false, Some(refresh)) = (access_ok, refresh) else { return next.run(request).await };
    let Ok(tokens) = state.auth.refresh(&state.pool, &refresh).await else {
        return next.run(request).await;
    };
    request.extensions_mut().insert(FreshAccessToken(tokens.access_token.clone()));
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
/// must be this host; a cookie-carrying one that says nothing is refused too.
/// Machine clients with `Authorization: Bearer` are not browsers and pass.
pub async fn reject_cross_site(request: Request, next: Next) -> Response {
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
    let same_site = match source {
        Some(url) => url_host(url).is_some_and(|h| h.eq_ignore_ascii_case(host)),
        None => !headers.contains_key(header::COOKIE),
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

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn the_host_of_an_origin_or_referer_is_found() {
        assert_eq!(url_host("http://127.0.0.1:3101"), Some("127.0.0.1:3101"));
        assert_eq!(url_host("https://evil.test/form?x=1"), Some("evil.test"));
        assert_eq!(url_host("null"), None);
    }
}
