//! Signing in and out: the JSON API for machines (`/api/auth/*`) and the
//! plain form posts of the login page (`/login`, `/logout`), which work
//! without JavaScript and land each role on its page.

use app::domain::Role;
use app::model::AppError;
use app::server::auth::IssuedTokens;
use app::server::auth::cookies::{ACCESS_COOKIE, REFRESH_COOKIE, clear_cookies, read_cookie, session_cookies};
use app::server::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

/// The sign-in routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login_json))
        .route("/api/auth/refresh", post(refresh_json))
        .route("/api/auth/logout", post(logout_json))
        .route("/login", post(login_form))
        .route("/logout", post(logout_form))
}

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

#[derive(Deserialize)]
struct RefreshRequest {
    refresh_token: String,
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn token_body(tokens: &IssuedTokens) -> Json<serde_json::Value> {
    Json(json!({
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "refresh_token": tokens.refresh_token,
    }))
}

/// The client's address for the login limits: the TCP peer, or behind one
/// of `MARKETPLACE_TRUSTED_PROXIES` the client its `X-Forwarded-For` names.
fn client_address(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> String {
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    state.auth.settings.trusted_proxies.client(peer.ip(), forwarded).to_string()
}

async fn login_json(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<Credentials>,
) -> Result<Json<serde_json::Value>, AppError> {
    let address = client_address(&state, peer, &headers);
    let tokens = state.auth.login(&state.pool, &body.email, &body.password, &address).await.map_err(|e| match e {
        AppError::Validation(_) => AppError::Unauthorized,
        other => other,
    })?;
    Ok(token_body(&tokens))
}

async fn refresh_json(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<serde_json::Value>, AppError> {
    Ok(token_body(&state.auth.refresh(&state.pool, &body.refresh_token).await?))
}

/// Ends the session of the refresh token, and of the Bearer token when one
/// is sent: neither works afterwards.
async fn logout_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<RefreshRequest>,
) -> Result<impl IntoResponse, AppError> {
    state.auth.logout(&state.pool, &body.refresh_token).await?;
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some(token) = bearer.and_then(|v| v.strip_prefix("Bearer ")) {
        state.auth.logout_access(&state.pool, token.trim()).await?;
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `next` when it is a path on our own site: it starts with one `/` (no
/// scheme, no authority: not `//host`, not `/\\host`), and has no control
/// character, whitespace or backslash, which browsers strip or turn into `/`
/// (`/\t/evil.test` becomes `//evil.test`) and which a header cannot carry.
fn local_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let first_two = (chars.next(), chars.next());
    let rooted = matches!(first_two, (Some('/'), None)) || matches!(first_two, (Some('/'), Some(c)) if c != '/');
    let clean = next.len() <= 2_000 && !next.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    (rooted && clean).then_some(next)
}

/// Where a role lands after signing in, unless a safe local `next` was asked for.
fn landing(role: Role, next: Option<&str>) -> String {
    let local = next.and_then(local_path);
    match (local, role) {
        (Some(path), _) => path.to_owned(),
        (None, Role::Admin) => "/admin/system-status".into(),
        (None, Role::Landlord) => "/maintenance".into(),
        (None, Role::Tenant) => "/account".into(),
    }
}

fn with_cookies(mut response: Response, cookies: [String; 2]) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

async fn login_form(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let address = client_address(&state, peer, &headers);
    match state.auth.login(&state.pool, &form.email, &form.password, &address).await {
        Ok(tokens) => {
            let to = landing(tokens.role, form.next.as_deref());
            with_cookies(Redirect::to(&to).into_response(), session_cookies(&tokens, &state.auth.settings))
        }
        Err(err) => {
            let reason = match err {
                AppError::TooManyRequests { retry_after_secs } => format!("throttled&wait={retry_after_secs}"),
                AppError::Validation(_) => "invalid".to_owned(),
                AppError::Forbidden => "disabled".to_owned(),
                _ => "unavailable".to_owned(),
            };
            let email: String =
                form.email.chars().filter(|c| c.is_ascii_alphanumeric() || "@.-_+".contains(*c)).take(200).collect();
            Redirect::to(&format!("/login?error={reason}&email={email}")).into_response()
        }
    }
}

/// Ends the browser's session (through either cookie: the access token is
/// refused from now on too) and clears the cookies.
async fn logout_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookie = |name| {
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| read_cookie(c, name))
    };
    let mut ended = Ok(());
    if let Some(refresh) = cookie(REFRESH_COOKIE) {
        ended = state.auth.logout(&state.pool, refresh).await;
    }
    if let Some(access) = cookie(ACCESS_COOKIE) {
        ended = ended.and(state.auth.logout_access(&state.pool, access).await);
    }
    if let Err(err) = ended {
        tracing::warn!(error = %err, "logout could not revoke the session");
    }
    with_cookies(Redirect::to("/").into_response(), clear_cookies(&state.auth.settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_lands_on_its_page_and_next_must_be_local() {
        assert_eq!(landing(Role::Tenant, None), "/account");
        assert_eq!(landing(Role::Landlord, None), "/maintenance");
        assert_eq!(landing(Role::Admin, Some("/admin/system-status")), "/admin/system-status");
        assert_eq!(landing(Role::Tenant, Some("https://evil.test")), "/account");
        assert_eq!(landing(Role::Tenant, Some("//evil.test")), "/account");
    }

    #[test]
    fn next_stays_on_our_site_whatever_it_is_dressed_in() {
        for hostile in [
            "/\t/evil.test",
            "/\n/evil.test",
            "/\r\nSet-Cookie: x=y",
            "//evil.test",
            "/\\evil.test",
            "\\\\evil.test",
            "https://evil.test",
            "http:/evil.test",
            "javascript:alert(1)",
            " /account",
            "/ /evil.test",
            "evil.test",
            "",
        ] {
            assert_eq!(landing(Role::Tenant, Some(hostile)), "/account", "{hostile:?}");
        }
        for fine in ["/", "/manage/leases?page=2", "/properties/flat-3a#photos", "/%2F%2Fstays-a-path"] {
            assert_eq!(landing(Role::Tenant, Some(fine)), fine);
        }
    }
}
