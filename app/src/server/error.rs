//! How `AppError` leaves the server: database errors become `Internal` with a
//! logged reference, and every variant maps to one HTTP response shape, an
//! RFC 9457 problem (`application/problem+json`).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::fmt::Display;

use crate::model::AppError;

/// Logs `err` once with a fresh reference and returns an `Internal` error
/// that carries only that reference.
pub fn internal(err: impl Display) -> AppError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::error!(%reference, error = %err, "internal error");
    AppError::Internal(reference)
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => internal(other),
        }
    }
}

/// An RFC 9457 problem: `type` (`about:blank`: the status says it all),
/// `title` (the status's phrase), `status`, `detail` (what went wrong, in
/// plain words), and two members of ours: `code` (stable, for programs) and
/// `error` (`{code, message}`, the shape earlier clients read).
pub fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "code": code,
        "error": { "code": code, "message": detail },
    });
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = problem(status, self.code(), &self.to_string());
        if let AppError::TooManyRequests { retry_after_secs } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
