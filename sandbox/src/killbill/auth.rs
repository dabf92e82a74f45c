//! Authentication of `/1.0/kb/…` calls: HTTP Basic (Shiro) first, then the tenant's
//! `X-Killbill-ApiKey`/`X-Killbill-ApiSecret` (`TenantFilter`), both answering 401.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use uuid::Uuid;

use crate::killbill::state::AppState;

/// Header carrying the tenant API key.
pub const API_KEY: &str = "X-Killbill-ApiKey";
/// Header carrying the tenant API secret.
pub const API_SECRET: &str = "X-Killbill-ApiSecret";

/// The authenticated tenant, put in the request extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantId(pub Uuid);

/// Middleware: rejects calls without the admin credentials or a valid tenant.
pub async fn authenticate(State(app): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    if !basic_auth_ok(request.headers(), &app.admin.user, &app.admin.password) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "BASIC realm=\"application\"")]).into_response();
    }
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().path().to_string(), |u| u.path().to_string());
    let key = header_text(request.headers(), API_KEY);
    let secret = header_text(request.headers(), API_SECRET);
    let tenant = match (key, secret) {
        (Some(key), Some(secret)) => app
            .store()
            .authenticate(&key, &secret)
            .ok_or_else(|| format!("Submitted credentials for token [{key}] did not match the expected credentials.")),
        _ => Err(format!("Make sure to set the {API_KEY} and {API_SECRET} headers")),
    };
    match tenant {
        Ok(id) => {
            request.extensions_mut().insert(TenantId(id));
            next.run(request).await
        }
        Err(_) if path == "/1.0/kb/tenants" => next.run(request).await,
        Err(message) => jetty_error(StatusCode::UNAUTHORIZED, &message),
    }
}

/// A header as text, if present and readable.
pub fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn basic_auth_ok(headers: &HeaderMap, user: &str, password: &str) -> bool {
    let Some(encoded) =
        header_text(headers, header::AUTHORIZATION.as_str()).and_then(|h| h.strip_prefix("Basic ").map(str::to_string))
    else {
        return false;
    };
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap_or_default();
    decoded == format!("{user}:{password}").as_bytes()
}

/// The HTML error page the servlet container sends for `sendError(status, message)`.
fn jetty_error(status: StatusCode, message: &str) -> Response {
    let code = status.as_u16();
    let page = format!(
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n\
         <title>Error {code} {message}</title>\n</head>\n<body><h2>HTTP ERROR {code} {message}</h2>\n\
         <table>\n<tr><th>MESSAGE:</th><td>{message}</td></tr>\n</table>\n</body>\n</html>\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html;charset=iso-8859-1")], page).into_response()
}
