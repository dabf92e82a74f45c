//! [`HttpCondoClient`]'s reads around tickets: each ticket's comments, status changes and
//! files in one request per set of tickets, the classifiers and new files once per run, and
//! the download of a file's bytes.
//!
//! Reference: `contracts/condo/NOTES.md` (§4.4 paging and the 1000-objects limit, §6.2 limits).

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::time::Duration;

use super::super::page_sizes::{CHANGED_COMMENTS, CHANGES, CLASSIFIERS, COMMENTS, FILES, STATUSES};
use super::super::wire::{CommentsChangedData, ReferenceDataData, TicketDetailData, WireCommentChange};
use super::super::{
    COMMENTS_CHANGED_OPERATION, CondoError, DETAIL_TICKETS_PER_REQUEST, Download, REFERENCE_OPERATION,
    TICKET_DETAIL_OPERATION,
};
use super::HttpCondoClient;
use crate::server::adapters::retry::{RetryPolicy, retry, retry_after_of};

impl HttpCondoClient {
    /// [Condo: `allTicketComments`, `allTicketChanges`, `allTicketFiles`, `allTicketStatuses`]
    pub(super) async fn read_ticket_detail(&self, ids: &[String]) -> Result<TicketDetailData, CondoError> {
        let mut all = TicketDetailData::default();
        for chunk in ids.chunks(DETAIL_TICKETS_PER_REQUEST) {
            let variables =
                json!({ "tickets": chunk, "first": COMMENTS, "filesFirst": FILES, "statusesFirst": STATUSES });
            let first: TicketDetailData = self.query("", TICKET_DETAIL_OPERATION, "TicketDetail", variables).await?;
            let base = json!({ "tickets": chunk });
            let comments = self
                .read_on(first.comments, COMMENTS, "TicketComments", &base, |d: TicketDetailData| d.comments)
                .await?;
            let changes =
                self.read_on(first.changes, CHANGES, "TicketChanges", &base, |d: TicketDetailData| d.changes).await?;
            let files = self.read_on(first.files, FILES, "TicketFiles", &base, |d: TicketDetailData| d.files).await?;
            all.comments.extend(comments);
            all.changes.extend(changes);
            all.files.extend(files);
            if all.statuses.is_empty() {
                let none = json!({});
                all.statuses = self
                    .read_on(first.statuses, STATUSES, "TicketStatuses", &none, |d: TicketDetailData| d.statuses)
                    .await?;
            }
        }
        Ok(all)
    }

    /// [Condo: `allTicketClassifiers`, `allTicketFiles` with `createdAt_gte`]
    pub(super) async fn read_reference_data(&self, files_since: &str) -> Result<ReferenceDataData, CondoError> {
        let mut filter = self.organization_filter();
        filter["createdAt_gte"] = json!(files_since);
        filter["ticket_is_null"] = json!(false);
        let variables = json!({ "files": filter, "first": CLASSIFIERS, "filesFirst": FILES });
        let first: ReferenceDataData = self.query("", REFERENCE_OPERATION, "ReferenceData", variables).await?;
        let no_variables = json!({});
        let classifiers = self
            .read_on(first.classifiers, CLASSIFIERS, "Classifiers", &no_variables, |d: ReferenceDataData| d.classifiers)
            .await?;
        let files_filter = json!({ "files": filter });
        let files =
            self.read_on(first.files, FILES, "FilesSince", &files_filter, |d: ReferenceDataData| d.files).await?;
        Ok(ReferenceDataData { classifiers, files })
    }

    /// [Condo: `allTicketComments` with `updatedAt_gte` and `?deleted=true`] Pages on
    /// (`updatedAt`, `id`): Condo has no `id_gt`, so the next page asks for `updatedAt_gte` the
    /// last row's time without the ids already read at that time.
    pub(super) async fn read_comments_changed(&self, since: &str) -> Result<Vec<WireCommentChange>, CondoError> {
        let organization = self.organization_filter();
        let mut rows: Vec<WireCommentChange> = Vec::new();
        let (mut from, mut read_at_from) = (since.to_owned(), Vec::<String>::new());
        loop {
            let mut filter = json!({ "updatedAt_gte": from });
            if organization.as_object().is_some_and(|o| !o.is_empty()) {
                filter["ticket"] = organization.clone();
            }
            if !read_at_from.is_empty() {
                filter["id_not_in"] = json!(read_at_from);
            }
            let variables = json!({ "where": filter, "first": CHANGED_COMMENTS });
            let page: CommentsChangedData =
                self.query("?deleted=true", COMMENTS_CHANGED_OPERATION, "CommentsChangedSince", variables).await?;
            let full = page.comments.len() == CHANGED_COMMENTS;
            for comment in page.comments {
                if comment.updated_at != from {
                    from.clone_from(&comment.updated_at);
                    read_at_from.clear();
                }
                read_at_from.push(comment.id.clone());
                rows.push(comment);
            }
            if !full {
                return Ok(rows);
            }
        }
    }

    /// Reads the next pages of one list while the last one came back full: `operation` (of
    /// the document `D` belongs to) with `base` and `first`/`skip` as variables.
    async fn read_on<D, T>(
        &self,
        mut rows: Vec<T>,
        per_page: usize,
        operation: &str,
        base: &Value,
        take: fn(D) -> Vec<T>,
    ) -> Result<Vec<T>, CondoError>
    where
        D: DeserializeOwned + DocumentOf,
    {
        let mut last = rows.len();
        while last == per_page {
            let mut variables = base.clone();
            variables["first"] = json!(per_page);
            variables["skip"] = json!(rows.len());
            let page: D = self.query("", D::DOCUMENT, operation, variables).await?;
            let more = take(page);
            last = more.len();
            rows.extend(more);
        }
        Ok(rows)
    }

    /// Reads a file, with our session on Condo's origin only; signs in again once when Condo
    /// no longer accepts the session.
    pub(super) async fn read_file(&self, url: &str, max_bytes: u64) -> Result<Download, CondoError> {
        let base = reqwest::Url::parse(&self.settings.url).map_err(|e| CondoError::Decode { detail: e.to_string() })?;
        let url = base.join(url).map_err(|e| CondoError::Decode { detail: format!("file URL {url:?}: {e}") })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(CondoError::Decode { detail: format!("file URL {url} is not http(s)") });
        }
        if url.origin() != base.origin() {
            return self.fetch_file(&url, None, max_bytes).await;
        }
        let token = match self.cached_token() {
            Some(token) => token,
            None => self.sign_in().await?,
        };
        match self.fetch_file(&url, Some(&token), max_bytes).await {
            Err(CondoError::Unauthenticated) => {
                self.forget_token();
                let token = self.sign_in().await?;
                self.fetch_file(&url, Some(&token), max_bytes).await
            }
            other => other,
        }
    }

    async fn fetch_file(
        &self,
        url: &reqwest::Url,
        token: Option<&str>,
        max_bytes: u64,
    ) -> Result<Download, CondoError> {
        let policy = RetryPolicy {
            attempts: self.settings.retries + 1,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(6),
        };
        retry(policy, "file download", || self.fetch_file_once(url, token, max_bytes)).await
    }

    async fn fetch_file_once(
        &self,
        url: &reqwest::Url,
        token: Option<&str>,
        max_bytes: u64,
    ) -> Result<Download, CondoError> {
        let timeout = self.settings.timeout;
        let mut request = self.http.get(url.clone());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let transport = |e: reqwest::Error| CondoError::from_transport(&e, timeout);
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let retry_after = retry_after_of(response.headers());
            let text = response.text().await.unwrap_or_default();
            return Err(file_status_error(status, retry_after, &text));
        }
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let length = response.content_length();
        if let Some(length) = length.filter(|&n| n > max_bytes) {
            return Ok(Download { content_type, size: length, bytes: None });
        }
        let capacity = usize::try_from(length.unwrap_or(0).min(max_bytes)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(capacity);
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            let read = (bytes.len() + chunk.len()) as u64;
            if read > max_bytes {
                return Ok(Download { content_type, size: length.unwrap_or(read), bytes: None });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Download { content_type, size: bytes.len() as u64, bytes: Some(bytes) })
    }
}

/// The error of a file answer that is not 2xx, in one place: 401 means the session is no
/// longer valid; 429 and 5xx are retried; anything else is final for this file.
fn file_status_error(status: u16, retry_after: Option<Duration>, text: &str) -> CondoError {
    let excerpt = super::super::excerpt(text);
    match status {
        401 => CondoError::Unauthenticated,
        429 => CondoError::RateLimited { detail: excerpt, retry_after },
        500..=599 => CondoError::Server { status, excerpt },
        _ => CondoError::Status { status, excerpt },
    }
}

/// The operation document a `data` type is read from, for the next pages of its lists.
trait DocumentOf {
    const DOCUMENT: &'static str;
}

impl DocumentOf for TicketDetailData {
    const DOCUMENT: &'static str = TICKET_DETAIL_OPERATION;
}

impl DocumentOf for ReferenceDataData {
    const DOCUMENT: &'static str = REFERENCE_OPERATION;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_answer_is_retried_only_when_it_may_succeed_later() {
        assert!(matches!(file_status_error(401, None, ""), CondoError::Unauthenticated));
        assert!(file_status_error(503, None, "<html>").is_retryable());
        assert!(file_status_error(429, None, "").is_retryable());
        let missing = file_status_error(404, None, "Not found");
        assert!(!missing.is_retryable() && !missing.needs_sign_in(), "{missing:?}");
    }
}
