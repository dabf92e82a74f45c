//! What can go wrong when talking to Condo, in the three groups callers branch on:
//! retryable (timeouts, refused connections, 5xx, 429), re-authenticate, and final.

/// One Condo failure.
#[derive(Debug, thiserror::Error)]
pub enum CondoError {
    /// The request timed out.
    #[error("Condo did not answer within {timeout_ms} ms")]
    Timeout { timeout_ms: u128 },
    /// No connection, or the connection broke before an answer.
    #[error("cannot reach Condo: {detail}")]
    Connect { detail: String },
    /// A 5xx answer (often an HTML page from Condo's proxy).
    #[error("Condo answered HTTP {status}: {excerpt}")]
    Server { status: u16, excerpt: String },
    /// HTTP 429, or a GraphQL `TOO_MANY_REQUESTS` error.
    #[error("Condo asks us to slow down: {detail}")]
    RateLimited { detail: String },
    /// `UNAUTHENTICATED`: the token is unknown or expired; sign in again once.
    #[error("Condo no longer accepts our session token")]
    Unauthenticated,
    /// The sign-in mutation was refused (wrong credentials, throttled, two-factor account).
    #[error("Condo refused the sign-in ({code}): {message}")]
    SignInRefused { code: String, message: String },
    /// Any other GraphQL error: the operation or its variables are wrong for this Condo.
    #[error("Condo returned a GraphQL error ({code}): {message}")]
    Graphql { code: String, message: String },
    /// Another non-2xx status without GraphQL errors.
    #[error("Condo answered HTTP {status}: {excerpt}")]
    Status { status: u16, excerpt: String },
    /// The answer was not the JSON we expect.
    #[error("Condo's answer could not be read: {detail}")]
    Decode { detail: String },
}

impl CondoError {
    /// Whether trying the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Connect { .. } | Self::Server { .. } | Self::RateLimited { .. })
    }

    /// Whether signing in again and retrying may succeed.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::Unauthenticated)
    }

    /// The error in plain words, for the admin panel; the `Display` text is the detail.
    pub fn plain_words(&self) -> &'static str {
        match self {
            Self::Timeout { .. } | Self::Connect { .. } | Self::Server { .. } => "Condo did not answer",
            Self::RateLimited { .. } => "Condo asked us to slow down",
            Self::Unauthenticated | Self::SignInRefused { .. } => "Condo refused our credentials",
            Self::Graphql { .. } | Self::Status { .. } | Self::Decode { .. } => "Condo rejected our request",
        }
    }

    /// Maps a transport error from `reqwest`.
    pub(super) fn from_transport(err: &reqwest::Error, timeout: std::time::Duration) -> Self {
        if err.is_timeout() {
            Self::Timeout { timeout_ms: timeout.as_millis() }
        } else if err.is_decode() {
            Self::Decode { detail: err.to_string() }
        } else {
            Self::Connect { detail: error_chain(err) }
        }
    }
}

/// `err` and its sources on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// The first 200 characters of a body, on one line.
pub(super) fn excerpt(body: &str) -> String {
    body.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_failures_are_retried_and_graphql_errors_are_not() {
        assert!(CondoError::Server { status: 503, excerpt: String::new() }.is_retryable());
        assert!(CondoError::RateLimited { detail: String::new() }.is_retryable());
        assert!(!CondoError::Graphql { code: "BAD_USER_INPUT".into(), message: "x".into() }.is_retryable());
        assert!(CondoError::Unauthenticated.needs_sign_in());
        assert_eq!(CondoError::Timeout { timeout_ms: 5 }.plain_words(), "Condo did not answer");
        let refused = CondoError::SignInRefused { code: "WRONG_CREDENTIALS".into(), message: "no".into() };
        assert_eq!(refused.plain_words(), "Condo refused our credentials");
    }

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        let page = "<html>\r\n<head><title>503</title></head>\r\n".repeat(20);
        let text = excerpt(&page);
        assert!(text.len() <= 200 && !text.contains('\n'));
    }
}
