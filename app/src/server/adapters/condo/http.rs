//! [`HttpCondoClient`]: Condo over HTTP, with retries and one session kept
//! while Condo accepts it; the property maps and pages of changed tickets.
//!
//! Reference: `contracts/condo/NOTES.md` (§3 authentication, §4 queries and paging, §6 limits).

mod detail;

use super::settings::CondoSettings;
use super::wire::{
    Envelope, GraphqlError, PropertiesData, ReferenceDataData, SignInData, TicketDetailData, TicketsData,
    WireCommentChange, WireProperty, WireTicket,
};
use super::{
    CondoClient, CondoError, Download, PROPERTIES_OPERATION, PROPERTIES_PER_PAGE, SIGN_IN_OPERATION, TICKETS_OPERATION,
    TicketCursor, WHO_AM_I_OPERATION, excerpt,
};
use crate::server::adapters::retry::{RetryPolicy, retry, retry_after_of};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "http_writes.rs"]
mod writes;

/// Condo over HTTP (`POST {url}/admin/api`), with retries and one session
/// token kept for as long as Condo accepts it, since Condo allows only 10
/// sign-ins per hour. Build one per process and share it: clones share the
/// session.
#[derive(Debug, Clone)]
pub struct HttpCondoClient {
    http: reqwest::Client,
    settings: CondoSettings,
    session: Arc<Mutex<Session>>,
}

/// What the client remembers of its sign-ins.
#[derive(Debug, Default)]
struct Session {
    /// The token of the current session.
    token: Option<String>,
    /// The last refused sign-in: when, and Condo's reason.
    refused: Option<(Instant, String)>,
}

impl HttpCondoClient {
    /// A client for `settings`.
    pub fn new(settings: CondoSettings) -> Result<Self, CondoError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .user_agent(concat!("marketplace-sync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CondoError::Connect { detail: e.to_string() })?;
        Ok(Self { http, settings, session: Arc::default() })
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cached_token(&self) -> Option<String> {
        self.session().token.clone()
    }

    fn forget_token(&self) {
        self.session().token = None;
    }

    /// Condo's reason and how long ago, when it refused a sign-in within `window`.
    pub fn refused_within(&self, window: Duration) -> Option<(Duration, String)> {
        let session = self.session();
        let (at, reason) = session.refused.as_ref()?;
        (at.elapsed() < window).then(|| (at.elapsed(), reason.clone()))
    }

    /// Signs in with the configured identity and caches the token.
    /// [Condo: `authenticateUserWithPhoneAndPassword`, NOTES.md §3.2]
    async fn sign_in(&self) -> Result<String, CondoError> {
        let s = &self.settings;
        let (operation, variables) = if s.identity.contains('@') {
            ("SignInServiceByEmail", json!({ "email": s.identity, "password": s.password }))
        } else {
            ("SignInStaffByPhone", json!({ "phone": s.identity, "password": s.password }))
        };
        let answer = match self.execute("", SIGN_IN_OPERATION, operation, &variables, None).await {
            Ok(SignInData { auth }) => auth.and_then(|a| a.token).ok_or_else(|| refused("NO_TOKEN")),
            Err(CondoError::Graphql { code, message }) => Err(CondoError::SignInRefused { code, message }),
            Err(CondoError::Unauthenticated) => Err(refused("UNAUTHENTICATED")),
            Err(other) => return Err(other),
        };
        let mut session = self.session();
        match answer {
            Ok(token) => {
                session.token = Some(token.clone());
                session.refused = None;
                Ok(token)
            }
            Err(err) => {
                session.refused = Some((Instant::now(), err.to_string()));
                Err(err)
            }
        }
    }

    /// Runs an operation with the cached token; on `UNAUTHENTICATED` signs in once and retries.
    async fn query<T: DeserializeOwned>(
        &self,
        suffix: &str,
        query: &str,
        operation: &str,
        variables: Value,
    ) -> Result<T, CondoError> {
        let token = match self.cached_token() {
            Some(token) => token,
            None => self.sign_in().await?,
        };
        match self.execute(suffix, query, operation, &variables, Some(&token)).await {
            Err(CondoError::Unauthenticated) => {
                self.forget_token();
                let token = self.sign_in().await?;
                self.execute(suffix, query, operation, &variables, Some(&token)).await
            }
            other => other,
        }
    }

    /// Sends one operation, retrying timeouts, connection failures, 5xx and 429.
    async fn execute<T: DeserializeOwned>(
        &self,
        suffix: &str,
        query: &str,
        operation: &str,
        variables: &Value,
        token: Option<&str>,
    ) -> Result<T, CondoError> {
        let policy = RetryPolicy {
            attempts: self.settings.retries + 1,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(6),
        };
        retry(policy, operation, || self.send_once(suffix, query, operation, variables, token)).await
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        suffix: &str,
        query: &str,
        operation: &str,
        variables: &Value,
        token: Option<&str>,
    ) -> Result<T, CondoError> {
        let body = json!({ "operationName": operation, "query": query, "variables": variables });
        let mut request = self
            .http
            .post(format!("{}{suffix}", self.settings.graphql_url()))
            .header("Accept-Language", "en")
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let timeout = self.settings.timeout;
        let request = crate::server::request_id::propagate(request);
        let response = request.send().await.map_err(|e| CondoError::from_transport(&e, timeout))?;
        let status = response.status().as_u16();
        let retry_after = retry_after_of(response.headers());
        let text = response.text().await.map_err(|e| CondoError::from_transport(&e, timeout))?;
        interpret(status, retry_after, &text)
    }
}

fn refused(code: &str) -> CondoError {
    CondoError::SignInRefused { code: code.to_owned(), message: "no session token was returned".to_owned() }
}

/// Maps an HTTP status and body to data or a [`CondoError`], in one place.
fn interpret<T: DeserializeOwned>(status: u16, retry_after: Option<Duration>, text: &str) -> Result<T, CondoError> {
    match status {
        429 => return Err(CondoError::RateLimited { detail: excerpt(text), retry_after }),
        500..=599 => return Err(CondoError::Server { status, excerpt: excerpt(text) }),
        _ => {}
    }
    let envelope: Envelope<Value> = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(_) if (200..300).contains(&status) => return Err(CondoError::Decode { detail: excerpt(text) }),
        Err(_) => return Err(CondoError::Status { status, excerpt: excerpt(text) }),
    };
    if let Some(first) = envelope.errors.first() {
        return Err(classify(first));
    }
    if !(200..300).contains(&status) {
        return Err(CondoError::Status { status, excerpt: excerpt(text) });
    }
    let data = envelope.data.ok_or_else(|| CondoError::Decode { detail: "no `data` in the answer".into() })?;
    serde_json::from_value(data).map_err(|e| CondoError::Decode { detail: e.to_string() })
}

fn classify(error: &GraphqlError) -> CondoError {
    if error.code() == "UNAUTHENTICATED" || error.name.as_deref() == Some("AuthenticationError") {
        return CondoError::Unauthenticated;
    }
    let code = if error.code().is_empty() { error.name.clone().unwrap_or_default() } else { error.code().to_owned() };
    CondoError::Graphql { code, message: error.message.clone() }
}

impl HttpCondoClient {
    fn organization_filter(&self) -> Value {
        match &self.settings.organization_id {
            Some(id) => json!({ "organization": { "id": id } }),
            None => json!({}),
        }
    }

    /// The `where` variable of a ticket page (NOTES.md §4.4, steps 2 and 3).
    fn ticket_where(&self, cursor: &TicketCursor) -> Value {
        let mut filter = self.organization_filter();
        match cursor {
            TicketCursor::Start => {}
            TicketCursor::Since(at) => filter["updatedAt_gt"] = json!(at),
            TicketCursor::After { updated_at, number } => {
                filter["OR"] =
                    json!([{ "updatedAt_gt": updated_at }, { "updatedAt": updated_at, "number_gt": number }]);
            }
        }
        filter
    }
}

/// `data` of `WhoAmI`.
#[derive(Debug, serde::Deserialize)]
struct WhoAmIData {
    user: Option<WireId>,
}

#[derive(Debug, serde::Deserialize)]
struct WireId {
    id: String,
}

impl HttpCondoClient {
    /// Checks that Condo answers and accepts our session, and returns the signed-in user's id.
    /// Signs in only when no token is cached (Condo allows few sign-ins per hour), and once
    /// more when the cached token is no longer valid.
    /// [Condo: `authenticatedUser`, NOTES.md §3.2]
    pub async fn signed_in_user(&self) -> Result<String, CondoError> {
        let data: WhoAmIData = self.query("", WHO_AM_I_OPERATION, "WhoAmI", json!({})).await?;
        if let Some(user) = data.user {
            return Ok(user.id);
        }
        self.forget_token();
        let token = self.sign_in().await?;
        let data: WhoAmIData = self.execute("", WHO_AM_I_OPERATION, "WhoAmI", &json!({}), Some(&token)).await?;
        data.user.map(|u| u.id).ok_or(CondoError::Unauthenticated)
    }
}

impl CondoClient for HttpCondoClient {
    /// [Condo: `allProperties`, NOTES.md §4 "Units"]
    async fn properties(&self) -> Result<Vec<WireProperty>, CondoError> {
        let mut all = Vec::new();
        loop {
            let variables =
                json!({ "where": self.organization_filter(), "first": PROPERTIES_PER_PAGE, "skip": all.len() });
            let page: PropertiesData = self.query("", PROPERTIES_OPERATION, "AllProperties", variables).await?;
            let short = page.properties.len() < PROPERTIES_PER_PAGE;
            all.extend(page.properties);
            if short {
                return Ok(all);
            }
        }
    }

    /// [Condo: `allTickets` with `?deleted=true`, NOTES.md §4.2 and §4.4]
    async fn tickets_page(&self, cursor: &TicketCursor, first: usize) -> Result<Vec<WireTicket>, CondoError> {
        let variables = json!({ "where": self.ticket_where(cursor), "first": first, "skip": 0 });
        let page: TicketsData =
            self.query("?deleted=true", TICKETS_OPERATION, "TicketsChangedSince", variables).await?;
        Ok(page.tickets)
    }

    /// [Condo: `allTickets` with `id_in` and `?deleted=true`, NOTES.md §4.2]
    async fn tickets_by_ids(&self, ids: &[String]) -> Result<Vec<WireTicket>, CondoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut filter = self.organization_filter();
        filter["id_in"] = json!(ids);
        let variables = json!({ "where": filter, "first": ids.len(), "skip": 0 });
        let page: TicketsData =
            self.query("?deleted=true", TICKETS_OPERATION, "TicketsChangedSince", variables).await?;
        Ok(page.tickets)
    }

    /// [Condo: `allTicketComments`, `allTicketChanges`, `allTicketFiles` with `ticket: { id_in }`]
    async fn ticket_detail(&self, ids: &[String]) -> Result<TicketDetailData, CondoError> {
        if ids.is_empty() {
            return Ok(TicketDetailData::default());
        }
        self.read_ticket_detail(ids).await
    }

    /// [Condo: `allTicketClassifiers`, `allTicketFiles` with `createdAt_gte`]
    async fn reference_data(&self, files_since: &str) -> Result<ReferenceDataData, CondoError> {
        self.read_reference_data(files_since).await
    }

    async fn comments_changed_since(&self, since: &str) -> Result<Vec<WireCommentChange>, CondoError> {
        self.read_comments_changed(since).await
    }

    /// [Condo: `File.publicUrl`, served with the API's session]
    async fn download(&self, url: &str, max_bytes: u64) -> Result<Download, CondoError> {
        self.read_file(url, max_bytes).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::OPERATIONS;
    use super::*;

    #[test]
    fn every_operation_is_valid_against_condos_schema_and_short_enough() {
        for (name, text) in OPERATIONS {
            assert!(text.len() <= 8_192, "{name} is {} characters, over Condo's 8,192 limit", text.len());
            if let Err(problems) = sandbox::condo::schema::validate_operation(text) {
                panic!("{name} is not valid against schema.graphql: {problems:#?}");
            }
        }
    }

    #[test]
    fn an_invalid_operation_is_caught_with_a_precise_message() {
        let wrong = TICKETS_OPERATION.replace("isEmergency", "priorityLevel");
        let problems = sandbox::condo::schema::validate_operation(&wrong).unwrap_err();
        assert!(problems.iter().any(|p| p.contains("priorityLevel")), "{problems:?}");
    }

    #[test]
    fn errors_are_classified_from_status_and_body() {
        let unauth = r#"{"errors":[{"message":"No or incorrect authentication credentials","name":"AuthenticationError","extensions":{"code":"UNAUTHENTICATED"}}],"data":null}"#;
        assert!(matches!(interpret::<Value>(200, None, unauth), Err(CondoError::Unauthenticated)));
        assert!(matches!(
            interpret::<Value>(502, None, "<html>Bad Gateway</html>"),
            Err(CondoError::Server { status: 502, .. })
        ));
        assert!(matches!(interpret::<Value>(429, None, ""), Err(CondoError::RateLimited { .. })));
        let invalid =
            r#"{"errors":[{"message":"Cannot query field","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}"#;
        let err = interpret::<Value>(400, None, invalid).unwrap_err();
        assert!(matches!(&err, CondoError::Graphql { code, .. } if code == "GRAPHQL_VALIDATION_FAILED"), "{err:?}");
        assert_eq!(interpret::<Value>(200, None, r#"{"data":{"a":1}}"#).unwrap(), json!({ "a": 1 }));
    }
}
