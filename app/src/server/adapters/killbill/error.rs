//! What can go wrong when talking to Kill Bill, split into what is worth
//! retrying (the request may not have been processed, or Kill Bill is busy)
//! and what is final (Kill Bill refused the request).

/// Kill Bill's error `code` for "the invoice is already committed" on commit.
pub const INVOICE_INVALID_STATUS: i64 = 4023;

/// An error from a Kill Bill call.
#[derive(Debug, thiserror::Error)]
pub enum KillBillError {
    /// No answer in time.
    #[error("Kill Bill did not answer in time: {0}")]
    Timeout(String),
    /// The connection failed or broke before a full answer.
    #[error("could not reach Kill Bill: {0}")]
    Connection(String),
    /// A 5xx or 429: Kill Bill is failing or busy.
    #[error("Kill Bill answered {status}: {message}")]
    Unavailable { status: u16, message: String },
    /// A 4xx: Kill Bill refused the request, with its error `code` and `message`.
    #[error("Kill Bill refused the request ({status}, code {code:?}): {message}")]
    Refused { status: u16, code: Option<i64>, message: String },
    /// A 2xx that is not what the API promises (a missing `Location`, a body that does not parse).
    #[error("unexpected answer from Kill Bill: {0}")]
    Unexpected(String),
}

impl KillBillError {
    /// Whether sending again later may succeed: timeouts, connection errors, 5xx and 429.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Connection(_) | Self::Unavailable { .. })
    }

    /// Kill Bill's error code, for refusals.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Refused { code, .. } => *code,
            _ => None,
        }
    }

    /// Classifies a transport error.
    pub fn from_transport(err: &reqwest::Error) -> Self {
        // The full chain names the cause (connection reset, refused, …) without any credential.
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        if err.is_timeout() {
            Self::Timeout(text)
        } else if err.is_decode() {
            Self::Unexpected(text)
        } else {
            Self::Connection(text)
        }
    }

    /// Classifies a non-success status with Kill Bill's error body.
    pub fn from_status(status: u16, body: &str) -> Self {
        let parsed: Option<super::wire::ErrorBody> = serde_json::from_str(body).ok();
        let code = parsed.as_ref().and_then(|b| b.code);
        let message = parsed.and_then(|b| b.message).unwrap_or_else(|| body.chars().take(300).collect::<String>());
        if status >= 500 || status == 429 {
            Self::Unavailable { status, message }
        } else {
            Self::Refused { status, code, message }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_and_throttling_are_retryable_and_refusals_are_not() {
        assert!(KillBillError::from_status(503, "").is_retryable());
        assert!(KillBillError::from_status(429, "").is_retryable());
        let refused = KillBillError::from_status(400, r#"{"code":4023,"message":"Invoice is already committed"}"#);
        assert!(!refused.is_retryable());
        assert_eq!(refused.code(), Some(INVOICE_INVALID_STATUS));
        assert!(refused.to_string().contains("already committed"));
    }
}
