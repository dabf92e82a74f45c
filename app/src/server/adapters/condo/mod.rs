//! The Condo adapter: the calls the import needs, as a trait ([`CondoClient`])
//! with its error ([`CondoError`], in the groups callers branch on: retryable,
//! re-authenticate, final); the HTTP client (`http`), the settings and the wire
//! types of Condo's GraphQL API (`POST {CONDO_URL}/admin/api`).
//!
//! Operations live in `operations/*.graphql`; a test validates each against Condo's
//! `schema.graphql`. See `contracts/condo/NOTES.md` for the calls, limits and pitfalls.

mod http;
mod settings;
pub mod wire;
pub mod write;

pub use http::HttpCondoClient;
pub use settings::{CondoSettings, CondoWebhookSettings};
pub use write::CondoWriter;

use std::future::Future;
use wire::{WireProperty, WireTicket};

/// The sign-in mutations (`SignInStaffByPhone`, `SignInServiceByEmail`).
pub const SIGN_IN_OPERATION: &str = include_str!("operations/sign_in.graphql");
/// `AllProperties`: properties with their building maps.
pub const PROPERTIES_OPERATION: &str = include_str!("operations/properties.graphql");
/// `TicketsChangedSince`: one keyset page of tickets.
pub const TICKETS_OPERATION: &str = include_str!("operations/tickets.graphql");
/// `WhoAmI`: the signed-in user, to check the session.
pub const WHO_AM_I_OPERATION: &str = include_str!("operations/who_am_i.graphql");
/// Every operation file, by name, for the schema checks.
pub const OPERATIONS: [(&str, &str); 4] = [
    ("sign_in.graphql", SIGN_IN_OPERATION),
    ("properties.graphql", PROPERTIES_OPERATION),
    ("tickets.graphql", TICKETS_OPERATION),
    ("who_am_i.graphql", WHO_AM_I_OPERATION),
];
/// Tickets per page: up to 3 objects each keeps a page far under Condo's 1000 objects.
pub const TICKETS_PER_PAGE: usize = 50;
/// Properties per page.
const PROPERTIES_PER_PAGE: usize = 100;

/// Where a page of tickets starts, in (`updatedAt`, `number`) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketCursor {
    /// From the oldest ticket.
    Start,
    /// Tickets updated strictly after this instant (ISO-8601).
    Since(String),
    /// Tickets after this (`updatedAt`, `number`) key.
    After {
        /// The last ticket's `updatedAt` (ISO-8601).
        updated_at: String,
        /// The last ticket's number.
        number: i64,
    },
}

/// What the import needs from Condo.
pub trait CondoClient: Send + Sync {
    /// Every readable property with its building map.
    fn properties(&self) -> impl Future<Output = Result<Vec<WireProperty>, CondoError>> + Send;
    /// Up to `first` tickets after `cursor`, soft-deleted ones included.
    fn tickets_page(
        &self,
        cursor: &TicketCursor,
        first: usize,
    ) -> impl Future<Output = Result<Vec<WireTicket>, CondoError>> + Send;
    /// The tickets with these ids as Condo has them now (soft-deleted ones
    /// included); ids Condo does not show us are left out.
    fn tickets_by_ids(&self, ids: &[String]) -> impl Future<Output = Result<Vec<WireTicket>, CondoError>> + Send;
}

/// One Condo failure.
#[derive(Debug, thiserror::Error)]
pub enum CondoError {
    /// The request timed out.
    #[error("Condo did not answer within {timeout_ms} ms")]
    Timeout {
        /// How long we waited, in milliseconds.
        timeout_ms: u128,
    },
    /// No connection, or the connection broke before an answer.
    #[error("cannot reach Condo: {detail}")]
    Connect {
        /// The transport error and its causes, on one line.
        detail: String,
    },
    /// A 5xx answer (often an HTML page from Condo's proxy).
    #[error("Condo answered HTTP {status}: {excerpt}")]
    Server {
        /// The HTTP status (500–599).
        status: u16,
        /// The start of the body (200 characters, on one line).
        excerpt: String,
    },
    /// HTTP 429, or a GraphQL `TOO_MANY_REQUESTS` error.
    #[error("Condo asks us to slow down: {detail}")]
    RateLimited {
        /// The start of the body (200 characters, on one line).
        detail: String,
        /// How long Condo asked us to wait (`Retry-After`), when it said.
        retry_after: Option<std::time::Duration>,
    },
    /// `UNAUTHENTICATED`: the token is unknown or expired; sign in again once.
    #[error("Condo no longer accepts our session token")]
    Unauthenticated,
    /// The sign-in mutation was refused (wrong credentials, throttled, two-factor account).
    #[error("Condo refused the sign-in ({code}): {message}")]
    SignInRefused {
        /// Condo's error code, e.g. `WRONG_CREDENTIALS`.
        code: String,
        /// Condo's message, or ours when no session token came back.
        message: String,
    },
    /// Any other GraphQL error: the operation or its variables are wrong for this Condo.
    #[error("Condo returned a GraphQL error ({code}): {message}")]
    Graphql {
        /// The GraphQL error code (else the error's name), e.g. `BAD_USER_INPUT`.
        code: String,
        /// The error's message.
        message: String,
    },
    /// Another non-2xx status without GraphQL errors.
    #[error("Condo answered HTTP {status}: {excerpt}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body (200 characters, on one line).
        excerpt: String,
    },
    /// The answer was not the JSON we expect.
    #[error("Condo's answer could not be read: {detail}")]
    Decode {
        /// What could not be read: the parser's error or the start of the body.
        detail: String,
    },
}

impl super::retry::Retryable for CondoError {
    fn is_retryable(&self) -> bool {
        CondoError::is_retryable(self)
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
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
        assert!(CondoError::RateLimited { detail: String::new(), retry_after: None }.is_retryable());
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
