//! Request extractors and response helpers shared by the Kill Bill handlers, with Kill Bill's
//! answers on bad input (400 with an error body, 401 without a tenant, 404 on a bad id).

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::killbill::auth::{TenantId, header_text};
use crate::killbill::error::KbError;
use crate::killbill::store::model::Audit;

/// The authenticated tenant of the request.
#[derive(Debug, Clone, Copy)]
pub struct Tenant(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts.extensions.get::<TenantId>().map(|t| Tenant(t.0)).ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
    }
}

/// The audit headers of a write; `X-Killbill-CreatedBy` is required.
#[derive(Debug, Clone)]
pub struct Write(pub Audit);

impl<S: Send + Sync> FromRequestParts<S> for Write {
    type Rejection = KbError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, KbError> {
        let headers = &parts.headers;
        let created_by = header_text(headers, "X-Killbill-CreatedBy")
            .ok_or_else(|| KbError::BadRequest("Header X-Killbill-CreatedBy needs to be set".to_string()))?;
        let user_token = ["X-Request-Id", "X-Killbill-Request-Id-Req"]
            .iter()
            .find_map(|name| header_text(headers, name).and_then(|v| Uuid::parse_str(&v).ok()));
        Ok(Write(Audit {
            created_by,
            reason: header_text(headers, "X-Killbill-Reason"),
            comment: header_text(headers, "X-Killbill-Comment"),
            user_token,
            at: Utc::now(),
        }))
    }
}

/// Query parameters; a malformed query answers 400.
#[derive(Debug)]
pub struct KbQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for KbQuery<T> {
    type Rejection = KbError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, KbError> {
        Query::<T>::try_from_uri(&parts.uri).map(|Query(q)| KbQuery(q)).map_err(|e| KbError::BadRequest(e.body_text()))
    }
}

/// Path parameters; an id that is not a UUID matches no route (404).
#[derive(Debug)]
pub struct KbPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for KbPath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| KbPath(p))
            .map_err(|_| StatusCode::NOT_FOUND.into_response())
    }
}

/// Java's `Boolean.valueOf`: only `true` (any case) is true.
pub fn flag(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `201 Created` with a full-URL `Location` and no body.
pub fn created(headers: &HeaderMap, path: &str) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, full_url(headers, path))]).into_response()
}

/// The full URL of `path`, honouring `X-Forwarded-Proto`/`X-Forwarded-Host` like Kill Bill.
fn full_url(headers: &HeaderMap, path: &str) -> String {
    let scheme = header_text(headers, "X-Forwarded-Proto").unwrap_or_else(|| "http".to_string());
    let host = header_text(headers, "X-Forwarded-Host")
        .or_else(|| header_text(headers, header::HOST.as_str()))
        .unwrap_or_else(|| "localhost".to_string());
    format!("{scheme}://{host}{path}")
}
