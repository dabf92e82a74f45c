//! `POST /admin/api`: GraphQL over HTTP the way Condo's Apollo Server answers it.

use super::multipart;
use super::server::ConnectionKill;
use crate::condo::auth;
use crate::condo::data::catalog::Locale;
use crate::condo::exec::{self, GraphqlRequest, RequestMeta};
use crate::condo::faults::error_page;
use crate::condo::state::{Shared, lock};
use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// Express's JSON body limit in Condo (`json({ limit: '100mb' })`).
const MAX_JSON_BODY: usize = 100 * 1024 * 1024;

/// Executes one GraphQL request: a JSON body, or a multipart request carrying uploads.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request = match read_request(&shared, &headers, body).await {
        Ok(request) => request,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let client_ip = extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(String::new, |c| c.0.ip().to_string());
    let meta = request_meta(&shared, &params, &headers, client_ip);
    let worker = shared.clone();
    let outcome = tokio::task::spawn_blocking(move || exec::execute(&worker, &request, &meta)).await;
    let Ok(outcome) = outcome else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the emulator failed to execute the request").into_response();
    };
    exec::record(&shared, &outcome.tally);
    let status = StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(outcome.body)).into_response()
}

async fn read_request(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<GraphqlRequest, String> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        return multipart::read(body, content_type, shared.config.max_upload_bytes).await;
    }
    let body = axum::body::to_bytes(body, MAX_JSON_BODY).await.map_err(|e| e.to_string())?;
    serde_json::from_slice::<GraphqlRequest>(&body)
        .map_err(|_| "POST body missing, invalid Content-Type, or JSON object has no keys.".to_owned())
}

/// The session user, `?deleted`, locale and client address of a request.
fn request_meta(
    shared: &Shared,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    client_ip: String,
) -> RequestMeta {
    let token = auth::request_token(headers);
    let user = token.as_deref().and_then(|t| lock(&shared.sessions).user(t));
    RequestMeta {
        user,
        token,
        deleted_param: params.get("deleted").is_some_and(|v| !v.is_empty()),
        locale: request_locale(params, headers).unwrap_or(shared.config.default_locale),
        client_ip,
        base_url: headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map_or_else(String::new, |host| format!("http://{host}")),
    }
}

/// Condo's locale order: `locale` cookie, `?locale=`, then `Accept-Language`.
fn request_locale(params: &HashMap<String, String>, headers: &HeaderMap) -> Option<Locale> {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("locale=").and_then(Locale::parse));
    let accept = || {
        let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
        value.split(',').find_map(|tag| Locale::parse(tag.split(';').next().unwrap_or_default()))
    };
    cookie.or_else(|| params.get("locale").and_then(|l| Locale::parse(l))).or_else(accept)
}

/// Applies the faults in force to one GraphQL request.
pub async fn inject_faults(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let number = {
        let mut stats = lock(&shared.stats);
        stats.requests += 1;
        stats.requests
    };
    let decision = lock(&shared.faults).decide(number);
    let kill = request.extensions().get::<ConnectionKill>().cloned();
    if decision.down {
        lock(&shared.stats).faults.down += 1;
        return close_unanswered(kill).await;
    }
    if !decision.latency.is_zero() {
        lock(&shared.stats).faults.delayed += 1;
        tokio::time::sleep(decision.latency).await;
    }
    if let Some(hang) = decision.hang {
        lock(&shared.stats).faults.hangs += 1;
        tokio::time::sleep(hang).await;
    }
    if let Some(status) = decision.error {
        lock(&shared.stats).faults.errors += 1;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return (status, [(header::CONTENT_TYPE, "text/html")], error_page(status.as_u16())).into_response();
    }
    let response = next.run(request).await;
    if decision.drop_after {
        lock(&shared.stats).faults.drops += 1;
        return close_unanswered(kill).await;
    }
    response
}

/// Closes the connection without an answer; never returns while the connection lives.
async fn close_unanswered(kill: Option<ConnectionKill>) -> Response {
    match kill {
        Some(kill) => {
            kill.fire();
            std::future::pending().await
        }
        None => (StatusCode::SERVICE_UNAVAILABLE, error_page(503)).into_response(),
    }
}
