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
use wire::{ReferenceDataData, TicketDetailData, WireCommentChange, WireProperty, WireTicket};

/// The sign-in mutations (`SignInStaffByPhone`, `SignInServiceByEmail`).
pub const SIGN_IN_OPERATION: &str = include_str!("operations/sign_in.graphql");
/// `AllProperties`: properties with their building maps.
pub const PROPERTIES_OPERATION: &str = include_str!("operations/properties.graphql");
/// `TicketsChangedSince`: one keyset page of tickets.
pub const TICKETS_OPERATION: &str = include_str!("operations/tickets.graphql");
/// `WhoAmI`: the signed-in user, to check the session.
pub const WHO_AM_I_OPERATION: &str = include_str!("operations/who_am_i.graphql");
/// `TicketDetail` (and its single-list operations): comments, status changes and files of a
/// set of tickets, with Condo's statuses.
pub const TICKET_DETAIL_OPERATION: &str = include_str!("operations/ticket_detail.graphql");
/// `ReferenceData` (and its single-list operations): classifiers and the files created since.
pub const REFERENCE_OPERATION: &str = include_str!("operations/reference.graphql");
/// `CommentsChangedSince`: one page of the comments edited or deleted since a time.
pub const COMMENTS_CHANGED_OPERATION: &str = include_str!("operations/comments_changed.graphql");
/// Every operation file, by name, for the schema checks.
pub const OPERATIONS: [(&str, &str); 7] = [
    ("sign_in.graphql", SIGN_IN_OPERATION),
    ("properties.graphql", PROPERTIES_OPERATION),
    ("tickets.graphql", TICKETS_OPERATION),
    ("who_am_i.graphql", WHO_AM_I_OPERATION),
    ("ticket_detail.graphql", TICKET_DETAIL_OPERATION),
    ("reference.graphql", REFERENCE_OPERATION),
    ("comments_changed.graphql", COMMENTS_CHANGED_OPERATION),
];
/// Tickets per page: up to 9 objects each (the ticket, its status, property, assignee,
/// executor, and classifier with place, category and problem) keeps a page under Condo's 1000.
pub const TICKETS_PER_PAGE: usize = 50;
/// Properties per page.
const PROPERTIES_PER_PAGE: usize = 100;
/// Tickets whose detail one `TicketDetail` request asks for (`id_in` costs 1 per 100 ids).
pub const DETAIL_TICKETS_PER_REQUEST: usize = 100;

/// Rows per page of each list of `TicketDetail` and `ReferenceData`, with the objects each row
/// costs; [`OBJECTS_PER_REQUEST`] is Condo's `maxTotalResults`.
pub mod page_sizes {
    /// Comments per page (3 objects each: the comment, its ticket, its author).
    pub const COMMENTS: usize = 90;
    /// Status changes per page (3 objects each: the change, its ticket, its author).
    pub const CHANGES: usize = 90;
    /// Files per page (2 objects each: the file row, its ticket).
    pub const FILES: usize = 100;
    /// Statuses per page (1 object each).
    pub const STATUSES: usize = 100;
    /// Changed comments per page (2 objects each: the comment, its ticket).
    pub const CHANGED_COMMENTS: usize = 400;
    /// Classifiers per page (4 objects each: the rule, its place, category and problem).
    pub const CLASSIFIERS: usize = 150;
    /// Condo's limit of objects in one answer, relations included (NOTES.md §4.4).
    pub const OBJECTS_PER_REQUEST: usize = 1000;
}

// The largest answers stay within Condo's objects limit.
const _: () = {
    use page_sizes::*;
    assert!(TICKETS_PER_PAGE * 9 <= OBJECTS_PER_REQUEST);
    assert!(COMMENTS * 3 + CHANGES * 3 + FILES * 2 + STATUSES <= OBJECTS_PER_REQUEST);
    assert!(CLASSIFIERS * 4 + FILES * 2 <= OBJECTS_PER_REQUEST);
    assert!(CHANGED_COMMENTS * 2 <= OBJECTS_PER_REQUEST);
};

/// A file read from Condo: its bytes, unless it is larger than the limit asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The `Content-Type` the server sent, if any.
    pub content_type: Option<String>,
    /// Its size: `Content-Length`, or the bytes read (at least the limit plus one when the
    /// server did not say and the file was larger).
    pub size: u64,
    /// The bytes; `None` when the file is larger than the limit.
    pub bytes: Option<Vec<u8>>,
}

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
    /// Every comment, status change and file of these tickets (all pages), and Condo's
    /// statuses (to read a change's status ids as types).
    fn ticket_detail(&self, ids: &[String]) -> impl Future<Output = Result<TicketDetailData, CondoError>> + Send;
    /// Every ticket classifier, and the ticket files created at or after `files_since`
    /// (ISO-8601), oldest first (all pages).
    fn reference_data(&self, files_since: &str) -> impl Future<Output = Result<ReferenceDataData, CondoError>> + Send;
    /// The comments updated (edited or soft-deleted) at or after `since` (ISO-8601), deleted
    /// ones included, oldest first (all pages).
    fn comments_changed_since(
        &self,
        since: &str,
    ) -> impl Future<Output = Result<Vec<WireCommentChange>, CondoError>> + Send;
    /// Reads a file at a `publicUrl`, keeping at most `max_bytes` of it. Our session goes
    /// only to Condo's own origin; a file kept elsewhere (a storage bucket) is read without it.
    fn download(&self, url: &str, max_bytes: u64) -> impl Future<Output = Result<Download, CondoError>> + Send;
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
