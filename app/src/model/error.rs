//! `AppError`: the one error type at the boundary, shared by server functions
//! and the JSON API. Its variants mean something to the caller; internal
//! detail is logged once on the server and never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms the caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid credentials were presented.
    #[error("please sign in")]
    Unauthorized,
    /// Signed in, but not allowed to do this.
    #[error("you are not allowed to do that")]
    Forbidden,
    /// The thing does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The request is malformed; the message says what to fix.
    #[error("{0}")]
    Validation(String),
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// The request is well formed and current, but what it asks cannot be
    /// done to this record; the message says why.
    #[error("{0}")]
    Unprocessable(String),
    /// Too many attempts; try again later.
    #[error("too many attempts, try again in {retry_after_secs} s")]
    TooManyRequests {
        /// Seconds until a new attempt may succeed.
        retry_after_secs: u64,
    },
    /// An outside platform failed; the message names it.
    #[error("{0}")]
    Upstream(String),
    /// Our fault; details are in the server log under this reference.
    #[error("something went wrong on our side (reference {0})")]
    Internal(String),
    /// The call itself failed to reach the server or to decode.
    #[error("the request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is reported with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::Unprocessable(_) => 422,
            AppError::TooManyRequests { .. } => 429,
            AppError::Upstream(_) => 502,
            AppError::Internal(_) | AppError::Transport(_) => 500,
        }
    }

    /// A short machine-readable code for JSON bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation(_) => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Upstream(_) => "upstream",
            AppError::Internal(_) => "internal",
            AppError::Transport(_) => "transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments the server could not read are the caller's to fix.
            ServerFnErrorErr::Args(detail) => {
                AppError::Validation(format!("the arguments could not be read: {detail}"))
            }
            ServerFnErrorErr::MissingArg(name) => AppError::Validation(format!("missing argument {name}")),
            // On the server, a body that does not decode is reported as a
            // deserialization error; in the browser it means our answer did
            // not decode, which is not the caller's doing.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) => {
                AppError::Validation(format!("the arguments could not be read: {detail}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_status() {
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::Validation("x".into()).status_code(), 400);
        assert_eq!(AppError::TooManyRequests { retry_after_secs: 3 }.status_code(), 429);
        assert_eq!(AppError::Internal("r".into()).status_code(), 500);
    }

    #[test]
    fn arguments_the_server_cannot_read_are_the_callers_to_fix() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("expected a string".into()));
        assert_eq!(err.status_code(), 400, "{err:?}");
        let err = AppError::from_server_fn_error(ServerFnErrorErr::MissingArg("id".into()));
        assert_eq!(err, AppError::Validation("missing argument id".into()));
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request("connection reset".into()));
        assert!(matches!(err, AppError::Transport(_)), "{err:?}");
    }

    #[test]
    fn internal_errors_show_only_a_reference() {
        let shown = AppError::Internal("a1b2".into()).to_string();
        assert_eq!(shown, "something went wrong on our side (reference a1b2)");
    }
}
