//! Ticket webhooks as Condo's `WebhookSubscription` sends them: a bare JSON array of at most
//! 100 objects shaped by a GraphQL `fields` selection, `POST`ed with `Content-Type:
//! application/json`. Unsigned by default, as Condo sends them; with a secret the emulator
//! plays a signing relay in front of Condo: `X-Webhook-Timestamp` carries the Unix time of
//! sending and `X-Webhook-Signature` the hex HMAC-SHA256 of `<timestamp>.<raw body>` (the
//! signature headers of Condo's signed `WebhookPayload`, with the time covered).

use super::data::STAFF_ACCOUNT;
use super::exec::{self, GraphqlRequest, RequestMeta};
use super::state::{Shared, lock};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use uuid::Uuid;

/// The selection of the contract example subscription.
pub const DEFAULT_FIELDS: &str = "{ id v number details status { id type name } property { id address } unitName unitType sectionName floorName isEmergency deadline createdAt updatedAt deletedAt }";

/// What to deliver, and where.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookRequest {
    /// The subscriber URL (a loopback address).
    pub url: String,
    /// Deliver these tickets (deleted ones included)…
    #[serde(default)]
    pub ticket_ids: Vec<Uuid>,
    /// …or every ticket changed after this time, as a subscription's `syncedAt`.
    pub since: Option<String>,
    /// Extra `TicketWhereInput` conditions, as a subscription's `filters`.
    pub filters: Option<Map<String, Value>>,
    /// The GraphQL selection, as a subscription's `fields` (default [`DEFAULT_FIELDS`]).
    pub fields: Option<String>,
    /// Objects per POST, 1 to 100 (default 100), as `maxPackSize`.
    pub max_pack_size: Option<usize>,
    /// Signing secret; overrides the run's configured secret.
    pub secret: Option<String>,
}

/// One POST and how the subscriber answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPost {
    /// Objects in the body.
    pub objects: usize,
    /// The subscriber's HTTP status, if it answered.
    pub status: Option<u16>,
    /// The transport error, if it did not.
    pub error: Option<String>,
    /// The `X-Webhook-Signature` sent, if signed.
    pub signature: Option<String>,
}

/// The outcome of a delivery: like Condo, sending stops at the first failed POST.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WebhookReport {
    /// The POSTs made, in order.
    pub posts: Vec<WebhookPost>,
    /// Objects in POSTs the subscriber accepted with a 2xx.
    pub delivered: usize,
}

/// Why a delivery could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The URL is not an `http` URL on a loopback host.
    #[error("the webhook URL must be http on a loopback host, got {0:?}")]
    NotLoopback(String),
    /// Neither ticket ids nor `since` were given.
    #[error("give ticketIds or since")]
    NothingSelected,
    /// The selection or filters were refused by the schema or the emulator.
    #[error("the webhook query failed: {0}")]
    Query(String),
}

/// Delivers the selected tickets to `request.url`, in packs.
pub async fn deliver(shared: &Shared, request: &WebhookRequest) -> Result<WebhookReport, WebhookError> {
    check_url(&request.url)?;
    let selection = selection(request)?;
    let pack = request.max_pack_size.unwrap_or(100).clamp(1, 100);
    let secret = request.secret.clone().or_else(|| shared.config.webhook_secret.clone());
    let fields = request.fields.as_deref().unwrap_or(DEFAULT_FIELDS);
    let query = format!(
        "query WebhookPack($where: TicketWhereInput, $first: Int, $skip: Int) {{ objs: allTickets(where: $where, first: $first, skip: $skip, sortBy: [updatedAt_ASC, id_ASC]) {fields} }}"
    );
    let mut report = WebhookReport::default();
    for skip in (0..).step_by(pack) {
        let objects = fetch_pack(shared, &query, &selection, pack, skip)?;
        if objects.is_empty() {
            break;
        }
        let count = objects.len();
        let post = send(shared, &request.url, &Value::Array(objects), secret.as_deref()).await;
        let accepted = post.status.is_some_and(|s| (200..300).contains(&s));
        report.delivered += if accepted { count } else { 0 };
        report.posts.push(post);
        if !accepted || count < pack {
            break;
        }
    }
    Ok(report)
}

fn check_url(url: &str) -> Result<(), WebhookError> {
    let refuse = || WebhookError::NotLoopback(url.to_owned());
    let parsed = reqwest::Url::parse(url).map_err(|_| refuse())?;
    let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if parsed.scheme() == "http" && loopback { Ok(()) } else { Err(refuse()) }
}

/// The `where` of the pack query: the ids, or `filters` plus `updatedAt_gt: since`.
fn selection(request: &WebhookRequest) -> Result<Value, WebhookError> {
    let mut selection = request.filters.clone().unwrap_or_default();
    if !request.ticket_ids.is_empty() {
        selection.insert("id_in".to_owned(), json!(request.ticket_ids));
    } else if let Some(since) = &request.since {
        selection.insert("updatedAt_gt".to_owned(), json!(since));
    } else {
        return Err(WebhookError::NothingSelected);
    }
    Ok(Value::Object(selection))
}

/// Runs the pack query as the integration account, soft-deleted tickets included.
fn fetch_pack(
    shared: &Shared,
    query: &str,
    selection: &Value,
    pack: usize,
    skip: usize,
) -> Result<Vec<Value>, WebhookError> {
    let variables = json!({ "where": selection, "first": pack, "skip": skip });
    let request = GraphqlRequest {
        query: query.to_owned(),
        variables: variables.as_object().cloned(),
        ..GraphqlRequest::default()
    };
    let meta = RequestMeta {
        user: Some(STAFF_ACCOUNT),
        deleted_param: true,
        locale: shared.config.default_locale,
        ..RequestMeta::default()
    };
    let outcome = exec::execute(shared, &request, &meta);
    if outcome.status != 200 || outcome.body.get("errors").is_some() {
        return Err(WebhookError::Query(outcome.body.to_string()));
    }
    Ok(outcome.body["data"]["objs"].as_array().cloned().unwrap_or_default())
}

/// POSTs one pack; a transport failure is reported, not raised.
async fn send(shared: &Shared, url: &str, body: &Value, secret: Option<&str>) -> WebhookPost {
    let raw = body.to_string();
    let objects = body.as_array().map_or(0, Vec::len);
    let timestamp = chrono::Utc::now().timestamp();
    let signature = secret.map(|secret| sign_delivery(secret, timestamp, raw.as_bytes()));
    let mut post = shared.http.post(url).header("Content-Type", "application/json");
    if let Some(signature) = &signature {
        post = post
            .header("X-Webhook-Timestamp", timestamp.to_string())
            .header("X-Webhook-Signature", signature)
            .header("X-Webhook-Signature-Algorithm", "sha256")
            .header("X-Webhook-Id", super::rng::random_uuid().to_string());
    }
    lock(&shared.stats).webhook_posts += 1;
    match post.body(raw).send().await {
        Ok(response) => WebhookPost { objects, status: Some(response.status().as_u16()), error: None, signature },
        Err(error) => WebhookPost { objects, status: None, error: Some(error.to_string()), signature },
    }
}

/// The signature of a delivery sent at `timestamp` (Unix seconds): the hex HMAC-SHA256 of
/// `<timestamp>.<body>` with `secret`.
pub fn sign_delivery(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut message = format!("{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    sign(secret, &message)
}

/// Hex HMAC-SHA256 of `body` with `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signatures_match_the_rfc_4231_test_vector() {
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(sign("Jefe", b"what do ya want for nothing?"), expected);
    }
}
