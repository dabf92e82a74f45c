//! The Condo emulator delivers ticket webhooks like a Condo `WebhookSubscription`: bare JSON
//! arrays of at most `maxPackSize` objects, unsigned unless a secret is configured, then
//! (as a signing relay would) timestamped and signed with a hex HMAC-SHA256 of
//! `<timestamp>.<raw body>`.

mod condo_support;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use condo_support::{example_json, same_shape, start, start_with};
use hmac::{Hmac, Mac};
use sandbox::condo::{CondoConfig, TicketInfo, WebhookError, WebhookRequest};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// What the subscriber received.
#[derive(Clone, Default)]
struct Inbox {
    posts: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    status: Arc<Mutex<u16>>,
}

impl Inbox {
    fn posts(&self) -> Vec<(HeaderMap, Bytes)> {
        self.posts.lock().unwrap().clone()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    inbox.posts.lock().unwrap().push((headers, body));
    StatusCode::from_u16(*inbox.status.lock().unwrap()).unwrap()
}

/// Starts a subscriber answering `status`; returns its URL and inbox.
async fn subscriber(status: u16) -> (String, Inbox) {
    let inbox = Inbox { status: Arc::new(Mutex::new(status)), ..Inbox::default() };
    let app = Router::new().route("/hooks/condo/tickets", post(receive)).with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/condo/tickets", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

fn one_live_and_one_deleted(tickets: &[TicketInfo]) -> Vec<uuid::Uuid> {
    let live = tickets.iter().find(|t| t.deleted_at.is_none()).unwrap();
    let deleted = tickets.iter().find(|t| t.deleted_at.is_some()).unwrap();
    vec![live.id, deleted.id]
}

#[tokio::test]
async fn a_webhook_posts_a_bare_array_shaped_like_the_example_and_unsigned() {
    let condo = start().await;
    let (url, inbox) = subscriber(200).await;
    let ids = one_live_and_one_deleted(&condo.handle().tickets());
    let request = json!({ "url": url, "ticketIds": ids });
    let response = reqwest::Client::new()
        .post(format!("{}/__sandbox/webhooks", condo.base_url()))
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["delivered"], 2, "{report}");
    let posts = inbox.posts();
    assert_eq!(posts.len(), 1);
    let (headers, body) = &posts[0];
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers.get("x-webhook-signature").is_none());
    let body: Value = serde_json::from_slice(body).unwrap();
    same_shape(&example_json("webhook_ticket_post_body.json"), &body, "$").unwrap();
    assert_eq!(body.as_array().unwrap().iter().filter(|t| t["deletedAt"].is_string()).count(), 1);
}

#[tokio::test]
async fn a_configured_secret_signs_the_timestamp_and_the_raw_body_with_hmac_sha256() {
    let config = CondoConfig { webhook_secret: Some("s3cret".into()), ..CondoConfig::default() };
    let condo = start_with(config).await;
    let (url, inbox) = subscriber(204).await;
    let ids = one_live_and_one_deleted(&condo.handle().tickets());
    let report = condo
        .handle()
        .deliver_webhook(&WebhookRequest { url, ticket_ids: ids, ..WebhookRequest::default() })
        .await
        .unwrap();
    assert_eq!(report.delivered, 2);
    let (headers, body) = &inbox.posts()[0];
    let sent: i64 = headers["x-webhook-timestamp"].to_str().unwrap().parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - sent).abs() < 60, "the time of sending");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(format!("{sent}.").as_bytes());
    mac.update(body);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(headers["x-webhook-signature"], expected.as_str());
    assert_eq!(headers["x-webhook-signature-algorithm"], "sha256");
    assert_eq!(report.posts[0].signature.as_deref(), Some(expected.as_str()));
}

#[tokio::test]
async fn packs_hold_at_most_max_pack_size_objects_of_everything_changed_since() {
    let condo = start().await;
    let (url, inbox) = subscriber(200).await;
    let since = "2026-08-19T12:00:00.000Z";
    let expected = condo.handle().tickets().iter().filter(|t| t.updated_at.as_str() > since).count();
    let request =
        WebhookRequest { url, since: Some(since.into()), max_pack_size: Some(7), ..WebhookRequest::default() };
    let report = condo.handle().deliver_webhook(&request).await.unwrap();
    assert_eq!(report.delivered, expected);
    let sizes: Vec<usize> =
        inbox.posts().iter().map(|(_, b)| serde_json::from_slice::<Vec<Value>>(b).unwrap().len()).collect();
    assert!(sizes.iter().all(|&n| n <= 7) && sizes.len() >= expected / 7, "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), expected);
    assert_eq!(condo.handle().stats().webhook_posts, sizes.len() as u64);
}

#[tokio::test]
async fn a_failing_subscriber_stops_the_delivery_at_the_first_pack() {
    let condo = start().await;
    let (url, inbox) = subscriber(500).await;
    let request = WebhookRequest {
        url,
        since: Some("2026-08-01T00:00:00Z".into()),
        max_pack_size: Some(5),
        ..WebhookRequest::default()
    };
    let report = condo.handle().deliver_webhook(&request).await.unwrap();
    assert_eq!((report.posts.len(), report.delivered), (1, 0));
    assert_eq!(report.posts[0].status, Some(500));
    assert_eq!(inbox.posts().len(), 1);
}

#[tokio::test]
async fn webhook_targets_must_be_loopback_and_fields_must_fit_the_schema() {
    let condo = start().await;
    let ids = one_live_and_one_deleted(&condo.handle().tickets());
    let far =
        WebhookRequest { url: "http://example.com/hook".into(), ticket_ids: ids.clone(), ..WebhookRequest::default() };
    assert!(matches!(condo.handle().deliver_webhook(&far).await, Err(WebhookError::NotLoopback(_))));
    let (url, _) = subscriber(200).await;
    let bad = WebhookRequest {
        url,
        ticket_ids: ids,
        fields: Some("{ id priorityLevel }".into()),
        ..WebhookRequest::default()
    };
    let error = condo.handle().deliver_webhook(&bad).await.unwrap_err();
    assert!(error.to_string().contains("priorityLevel"), "{error}");
}
