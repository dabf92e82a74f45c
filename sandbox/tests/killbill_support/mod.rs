//! Shared harness of the Kill Bill emulator tests: an emulator on a free port with a seeded
//! tenant, a client that sends Kill Bill's headers, contract assertions, and a local receiver
//! for push notifications.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use reqwest::{RequestBuilder, Response};
use sandbox::killbill::{self, KillBillConfig, NotifyConfig, RunningKillBill, contract};
use serde_json::{Value, json};
use uuid::Uuid;

/// API key of the seeded tenant.
pub const API_KEY: &str = "marketplace";
/// API secret of the seeded tenant.
pub const API_SECRET: &str = "s3cr3t";

/// A running emulator and a client for it.
pub struct Kb {
    pub server: RunningKillBill,
    pub http: reqwest::Client,
}

/// Test settings: a seeded tenant and notifications without duplicates or delays.
pub fn test_config() -> KillBillConfig {
    KillBillConfig {
        notify: NotifyConfig { max_delay_ms: 5, duplicate_rate: 0.0, retry_backoff_ms: 20, ..NotifyConfig::default() },
        ..KillBillConfig::ephemeral().with_tenant(API_KEY, API_SECRET)
    }
}

impl Kb {
    /// An emulator with [`test_config`].
    pub async fn start() -> Self {
        Self::start_with(test_config()).await
    }

    /// An emulator with `config`.
    pub async fn start_with(config: KillBillConfig) -> Self {
        let server = killbill::spawn(config).await.expect("emulator starts");
        Self { server, http: reqwest::Client::new() }
    }

    /// Full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// A read with admin and tenant credentials.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.authed(self.http.get(self.url(path)))
    }

    /// A POST with credentials and `X-Killbill-CreatedBy`.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.authed(self.http.post(self.url(path))).header("X-Killbill-CreatedBy", "tests")
    }

    /// A PUT with credentials and `X-Killbill-CreatedBy`.
    pub fn put(&self, path: &str) -> RequestBuilder {
        self.authed(self.http.put(self.url(path))).header("X-Killbill-CreatedBy", "tests")
    }

    fn authed(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .basic_auth("admin", Some("password"))
            .header("X-Killbill-ApiKey", API_KEY)
            .header("X-Killbill-ApiSecret", API_SECRET)
    }

    /// Creates an account and returns its id (taken from `Location`).
    pub async fn create_account(&self, external_key: &str, currency: &str) -> Uuid {
        let response = self
            .post("/1.0/kb/accounts")
            .json(&json!({ "externalKey": external_key, "currency": currency, "name": "Jane Doe" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        id_from_location(&response)
    }

    /// Adds external charges and returns the invoice id of the first item.
    pub async fn charge(&self, account: Uuid, amounts: &[f64], auto_commit: bool) -> Uuid {
        let items: Vec<Value> = amounts
            .iter()
            .map(|a| json!({ "accountId": account, "amount": a, "currency": "USD", "description": "Rent" }))
            .collect();
        let response = self
            .post(&format!("/1.0/kb/invoices/charges/{account}?autoCommit={auto_commit}"))
            .json(&items)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body[0]["invoiceId"].as_str().unwrap().parse().unwrap()
    }

    /// Records an external payment; `amount` and `key` are optional.
    pub async fn pay(&self, invoice: Uuid, account: Uuid, amount: Option<f64>, key: Option<&str>) -> Response {
        self.post(&format!("/1.0/kb/invoices/{invoice}/payments?externalPayment=true"))
            .json(&json!({ "accountId": account, "purchasedAmount": amount, "paymentExternalKey": key }))
            .send()
            .await
            .unwrap()
    }
}

/// The id at the end of a `Location` header.
pub fn id_from_location(response: &Response) -> Uuid {
    let location = response.headers()["location"].to_str().unwrap();
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// Fails unless `value` matches the kbswagger.yaml definition `def`.
pub fn assert_valid(def: &str, value: &Value) {
    if let Err(errors) = contract::validate_definition(def, value) {
        panic!("{def} does not match the contract:\n{}\n{value:#}", errors.join("\n"));
    }
}

/// Fails unless `value` is an array of `def`.
pub fn assert_valid_array(def: &str, value: &Value) {
    if let Err(errors) = contract::validate_array_of(def, value) {
        panic!("[{def}] does not match the contract:\n{}\n{value:#}", errors.join("\n"));
    }
}

/// Checks a Kill Bill error answer (status, body shape and `code`) and returns its body.
pub async fn assert_kb_error(response: Response, status: StatusCode, code: Option<u64>) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 6, "error body keys: {keys:?}");
    for key in ["className", "code", "message", "causeClassName", "causeMessage", "stackTrace"] {
        assert!(keys.contains(&key), "error body misses {key}");
    }
    assert_eq!(body["code"].as_u64(), code, "error body: {body}");
    body
}

/// One POST received by [`Receiver`].
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Value,
}

/// A local HTTP endpoint recording the push notifications it receives; it can fail the first
/// deliveries to exercise retries.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Starts a receiver that answers 500 to its first `failures` requests.
    pub async fn start(failures: usize) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let remaining = Arc::new(Mutex::new(failures));
        let store = Arc::clone(&received);
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let store = Arc::clone(&store);
                let remaining = Arc::clone(&remaining);
                async move {
                    let mut left = remaining.lock().unwrap();
                    if *left > 0 {
                        *left -= 1;
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
                    store.lock().unwrap().push(Received { headers, body });
                    StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, received }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (polling, 5 s at most) until `done` holds for what was received, and returns it.
    pub async fn wait_until(&self, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(Instant::now() < deadline, "notifications never arrived; got {received:#?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Number of received events of `event_type`.
pub fn count(received: &[Received], event_type: &str) -> usize {
    received.iter().filter(|r| r.body["eventType"] == event_type).count()
}
