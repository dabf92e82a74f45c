//! Shared helpers for the Condo emulator tests: contract files, a small GraphQL client,
//! response-shape comparison and deadline-bounded polling.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use sandbox::condo::{CondoConfig, Credentials, RunningCondo};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `shared/contracts/condo/`, next to the checkout.
pub fn contracts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/contracts/condo")
}

/// The text of `examples/<name>`.
pub fn example(name: &str) -> String {
    let path = contracts_dir().join("examples").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `examples/<name>` parsed as JSON.
pub fn example_json(name: &str) -> Value {
    serde_json::from_str(&example(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Starts an emulator with the default (small) data set.
pub async fn start() -> RunningCondo {
    start_with(CondoConfig::default()).await
}

/// Starts an emulator with `config`.
pub async fn start_with(config: CondoConfig) -> RunningCondo {
    sandbox::condo::spawn(config).await.expect("the emulator starts")
}

/// A minimal GraphQL-over-HTTP client for the tests.
pub struct Client {
    /// The underlying HTTP client.
    pub http: reqwest::Client,
    /// `…/admin/api`.
    pub url: String,
    /// The bearer token, once signed in.
    pub token: Option<String>,
}

impl Client {
    /// A client for `condo`, not signed in.
    pub fn new(condo: &RunningCondo) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Self { http, url: condo.graphql_url(), token: None }
    }

    /// A client already signed in as the staff account.
    pub async fn signed_in(condo: &RunningCondo) -> Self {
        let mut client = Self::new(condo);
        client.sign_in().await;
        client
    }

    /// Signs in with the example mutation and the default credentials.
    pub async fn sign_in(&mut self) {
        let credentials = Credentials::default();
        let variables = json!({ "phone": credentials.phone, "password": credentials.password });
        let (status, body) = self.post(&example("auth.graphql"), variables, Some("SignInStaffByPhone")).await;
        assert_eq!(status, 200, "{body}");
        let token = body["data"]["auth"]["token"].as_str().unwrap_or_else(|| panic!("no token in {body}"));
        self.token = Some(token.to_owned());
    }

    /// POSTs an operation to `/admin/api` (plus `suffix`, such as `?deleted=true`).
    pub async fn post_to(&self, suffix: &str, query: &str, variables: Value, operation: Option<&str>) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}{suffix}", self.url))
            .header("Accept-Language", "en")
            .json(&json!({ "query": query, "variables": variables, "operationName": operation }));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// POSTs an operation to `/admin/api`.
    pub async fn post(&self, query: &str, variables: Value, operation: Option<&str>) -> (u16, Value) {
        self.post_to("", query, variables, operation).await
    }

    /// POSTs an operation and returns `data`, failing on any error.
    pub async fn data(&self, suffix: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post_to(suffix, query, variables, None).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }
}

/// Checks that `actual` has the shape of `expected`: the same keys at every level, arrays
/// whose items have the shape of the expected first item, and scalars of the same JSON type.
/// `null` on either side matches anything (nullable fields).
pub fn same_shape(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(e), Value::Object(a)) => {
            let (mut ek, mut ak): (Vec<_>, Vec<_>) = (e.keys().collect(), a.keys().collect());
            ek.sort();
            ak.sort();
            if ek != ak {
                return Err(format!("{path}: keys {ek:?} != {ak:?}"));
            }
            e.iter().try_for_each(|(k, v)| same_shape(v, &a[k], &format!("{path}.{k}")))
        }
        (Value::Array(e), Value::Array(a)) => match e.first() {
            Some(first) => a.iter().enumerate().try_for_each(|(i, v)| same_shape(first, v, &format!("{path}[{i}]"))),
            None => Ok(()),
        },
        (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_)) => Ok(()),
        _ => Err(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// Polls `check` until it returns `Some`, failing after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The ticket page query of the contract example, for paging tests.
pub fn tickets_query() -> String {
    example("tickets_changed_since.graphql")
}
