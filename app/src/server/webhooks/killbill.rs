//! Kill Bill push notifications. Kill Bill cannot sign them, so the callback
//! URL carries a long token derived from the tenant's API secret
//! ([`webhook_token`]); a delivery is stored once per content
//! ([`dedupe_key`]), then processed as a hint only: the account's invoices,
//! payments and balance are read again over the authenticated API before
//! anything local changes ([`process_pending`]).
//!
//! Processing confirms writes a sync left unconfirmed (an invoice carrying our
//! marker, a payment under our external key) and refreshes the account's entry
//! in the latest reconciliation report. The outcome is recorded on the event.

use anyhow::Context;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Processed;
use crate::domain::Platform;
use crate::server::adapters::killbill::wire::{find_by_item_marker, payment_external_key};
use crate::server::adapters::killbill::{KillBillClient, KillBillError, KillBillSettings};
use crate::server::jobs::SyncContext;
use crate::server::jobs::killbill::RetryPolicy;
use crate::server::jobs::killbill::reconcile::{self, KillBillAccount};
use crate::server::store::external_ref::link_external_id;
use crate::server::store::killbill_mirror as mirror;
use crate::server::store::killbill_reconciliation::{self as reconciliation, DriftCounts, LocalAccount};
use crate::server::store::webhook_event::{self, NewWebhookEvent};

/// `webhook_event.source` of these events.
pub const SOURCE: &str = "killbill";
/// Largest body accepted (Kill Bill's notifications are a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Events claimed per transaction.
const BATCH: i64 = 10;

/// The callback token of the configured tenant: HMAC-SHA256 of its API key
/// under its API secret, in hex (64 characters). Stable across restarts and
/// replicas, never stored, and changed by rotating the API secret.
pub fn webhook_token(settings: &KillBillSettings) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(settings.api_secret.expose().as_bytes()).expect("HMAC takes keys of any length");
    mac.update(b"marketplace/killbill-webhook/v1\0");
    mac.update(settings.api_key.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether `candidate` is the tenant's token, compared in constant time.
pub fn token_matches(settings: &KillBillSettings, candidate: &str) -> bool {
    let expected = webhook_token(settings);
    let (a, b) = (expected.as_bytes(), candidate.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for (i, x) in a.iter().enumerate() {
        diff |= x ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// The URL to register with Kill Bill, under `public_url` (`MARKETPLACE_PUBLIC_URL`).
pub fn webhook_url(public_url: &str, settings: &KillBillSettings) -> String {
    format!("{}/api/webhooks/killbill/{}", public_url.trim_end_matches('/'), webhook_token(settings))
}

/// Kill Bill's notification body (`NotificationJson`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// What happened, e.g. `INVOICE_CREATION` (never blank).
    pub event_type: String,
    /// Kill Bill's id of the account concerned, if any.
    pub account_id: Option<Uuid>,
    /// The kind of object concerned, e.g. `INVOICE`.
    pub object_type: Option<String>,
    /// Kill Bill's id of that object.
    pub object_id: Option<Uuid>,
    /// A JSON document carried as a string.
    pub meta_data: Option<String>,
}

/// Parses a delivery; the error says what is wrong, for a 400.
pub fn parse_notification(body: &[u8]) -> Result<(Notification, serde_json::Value), String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("the body must be a JSON object with eventType, accountId, objectType, objectId, metaData".into());
    }
    let notification: Notification =
        serde_json::from_value(value.clone()).map_err(|e| format!("the body is not a Kill Bill notification: {e}"))?;
    if notification.event_type.trim().is_empty() {
        return Err("eventType must not be empty".into());
    }
    Ok((notification, value))
}

/// Kill Bill sends no event id: a delivery is identified by its whole content
/// (`eventType`, `objectType`, `objectId`, `accountId`, `metaData`), so a
/// redelivery of the same notification is stored once.
pub fn dedupe_key(n: &Notification) -> String {
    let mut hash = Sha256::new();
    for part in [
        Some(n.event_type.clone()),
        n.object_type.clone(),
        n.object_id.map(|id| id.to_string()),
        n.account_id.map(|id| id.to_string()),
        n.meta_data.clone(),
    ] {
        let part = part.unwrap_or_default();
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hex(&hash.finalize())
}

/// Stores a delivery unless it was seen; `None` for a duplicate.
pub async fn store_notification(
    pool: &sqlx::PgPool,
    notification: &Notification,
    payload: serde_json::Value,
) -> Result<Option<i64>, sqlx::Error> {
    let event = NewWebhookEvent {
        source: SOURCE.into(),
        dedupe_key: dedupe_key(notification),
        verification: "token".into(),
        payload,
    };
    webhook_event::insert_event_if_new(pool, &event).await
}

/// Claims pending Kill Bill events (`FOR UPDATE SKIP LOCKED`, so replicas
/// never process one twice), processes them and records each outcome.
/// Failed ones stay pending with their error and are tried again on a later
/// call; a failure ends the pass (Kill Bill is likely struggling).
pub async fn process_pending(ctx: &SyncContext) -> anyhow::Result<Processed> {
    let Some(client) = ctx.integrations.killbill() else {
        return Ok(Processed::default());
    };
    let retry = RetryPolicy { attempts: 3, ..RetryPolicy::default() };
    let mut processed = Processed::default();
    loop {
        let mut tx = ctx.pool.begin().await.context("opening a transaction")?;
        let batch = webhook_event::claim_pending_events_of(&mut *tx, SOURCE, BATCH).await.context("claiming events")?;
        if batch.is_empty() {
            return Ok(processed);
        }
        let mut failed = false;
        for event in &batch {
            match process_event(ctx, client, retry, &event.payload).await {
                Ok(outcome) => {
                    webhook_event::finish_event(&mut *tx, event.id, None).await?;
                    webhook_event::record_outcome(&mut *tx, event.id, &outcome).await?;
                    processed.done += 1;
                }
                Err(err) => {
                    let error = format!("{err:#}");
                    tracing::warn!(event = event.id, attempts = event.attempts, %error, "Kill Bill event failed");
                    webhook_event::finish_event(&mut *tx, event.id, Some(&error)).await?;
                    processed.failed.push(format!("event {}: {error}", event.id));
                    failed = true;
                }
            }
        }
        tx.commit().await.context("recording processed events")?;
        if failed {
            return Ok(processed);
        }
    }
}

/// Re-reads the event's account from Kill Bill and acts on what Kill Bill
/// says (never on the event's content); returns the outcome in plain words.
pub async fn process_event<C: KillBillClient>(
    ctx: &SyncContext,
    client: &C,
    retry: RetryPolicy,
    payload: &serde_json::Value,
) -> anyhow::Result<String> {
    let n: Notification = serde_json::from_value(payload.clone()).context("stored payload is not a notification")?;
    let Some(account_id) = n.account_id else {
        return Ok(format!("{}: no account in the event; nothing to re-read", n.event_type));
    };
    let Some(tenant_id) = tenant_of(ctx, client, retry, account_id).await? else {
        return Ok(format!("{}: Kill Bill account {account_id} is not one of ours; ignored", n.event_type));
    };
    let Some(mut local) = reconciliation::list_local_accounts(&ctx.pool, Some(tenant_id)).await?.pop() else {
        return Ok(format!("{}: tenant {tenant_id} has no invoices; nothing to compare", n.event_type));
    };
    let remote = reconcile::fetch_account(client, &local, retry).await.context("re-reading the account")?;
    let confirmed = match &remote {
        Some(remote) => confirm_pending(ctx, &local, remote).await?,
        None => 0,
    };
    if confirmed > 0 {
        local = reconciliation::list_local_accounts(&ctx.pool, Some(tenant_id)).await?.pop().unwrap_or(local);
    }
    let report = reconcile::compare(&local, remote.as_ref());
    reconciliation::refresh_account(&ctx.pool, &report).await.context("updating the reconciliation report")?;
    let counts = DriftCounts::of(&report.drift);
    let read = remote.as_ref().map_or((0, 0), |r| (r.invoices.len(), r.payments.len()));
    Ok(format!(
        "{}: re-read account {account_id} ({} invoices, {} payments); {confirmed} unconfirmed writes confirmed; \
         drift: {} missing, {} amount mismatch, {} status mismatch",
        n.event_type, read.0, read.1, counts.missing, counts.amount_mismatch, counts.status_mismatch
    ))
}

/// The tenant of a Kill Bill account: from our mapping, else (an account
/// created by a sync that stopped before mapping it) from the account's
/// external key as Kill Bill reports it, which is then mapped.
async fn tenant_of<C: KillBillClient>(
    ctx: &SyncContext,
    client: &C,
    retry: RetryPolicy,
    account_id: Uuid,
) -> anyhow::Result<Option<Uuid>> {
    if let Some(tenant) = reconciliation::tenant_of_account(&ctx.pool, &account_id.to_string()).await? {
        return Ok(Some(tenant));
    }
    let read = crate::server::jobs::killbill::retry::with_retry(retry, || async {
        Ok(client.account_with_balance(account_id).await?)
    })
    .await;
    let account = match read {
        Ok(account) => account,
        Err(crate::server::jobs::killbill::retry::StepError::KillBill(KillBillError::Refused {
            status: 404, ..
        })) => {
            return Ok(None);
        }
        Err(err) => return Err(err).context("reading the account from Kill Bill"),
    };
    let Some(tenant) = account.external_key.as_deref().and_then(|k| Uuid::parse_str(k).ok()) else {
        return Ok(None);
    };
    if reconciliation::list_local_accounts(&ctx.pool, Some(tenant)).await?.is_empty() {
        return Ok(None);
    }
    link_external_id(&ctx.pool, Platform::KillBill, "account", tenant, &account_id.to_string()).await?;
    Ok(Some(tenant))
}

/// Maps the invoices and payments a sync sent without seeing the answer,
/// when Kill Bill now shows them done (a committed invoice carrying our
/// marker, a successful payment under our external key). Returns how many.
async fn confirm_pending(ctx: &SyncContext, local: &LocalAccount, remote: &KillBillAccount) -> anyhow::Result<usize> {
    let mut confirmed = 0;
    for inv in local.invoices.iter().filter(|i| i.killbill_ref.is_none() && !i.voided) {
        if mirror::find_pending(&ctx.pool, "invoice", inv.id).await?.is_none() {
            continue;
        }
        let Some(id) = find_by_item_marker(&remote.invoices, inv.id) else { continue };
        let committed = remote.invoices.iter().any(|i| i.invoice_id == id && i.status.as_deref() == Some("COMMITTED"));
        if committed {
            link_external_id(&ctx.pool, Platform::KillBill, "invoice", inv.id, &id.to_string()).await?;
            mirror::delete_pending(&ctx.pool, "invoice", inv.id).await?;
            confirmed += 1;
        }
    }
    for p in local.payments.iter().filter(|p| p.killbill_ref.is_none()) {
        if mirror::find_pending(&ctx.pool, "payment", p.id).await?.is_none() {
            continue;
        }
        let key = payment_external_key(p.id);
        let found = remote.payments.iter().find(|kb| kb.payment_external_key.as_deref() == Some(key.as_str()));
        if let Some(kb) = found.filter(|kb| kb.succeeded()) {
            link_external_id(&ctx.pool, Platform::KillBill, "payment", p.id, &kb.payment_id.to_string()).await?;
            mirror::delete_pending(&ctx.pool, "payment", p.id).await?;
            confirmed += 1;
        }
    }
    Ok(confirmed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::secret::Secret;
    use std::time::Duration;

    fn settings(key: &str, secret: &str) -> KillBillSettings {
        KillBillSettings {
            base_url: "http://kb".into(),
            username: "admin".into(),
            password: Secret::new("password"),
            api_key: key.into(),
            api_secret: Secret::new(secret),
            timeout: Duration::from_secs(1),
            concurrency: 1,
        }
    }

    #[test]
    fn the_token_is_long_stable_and_per_tenant() {
        let a = webhook_token(&settings("marketplace", "s3cr3t"));
        assert_eq!(a.len(), 64);
        assert_eq!(a, webhook_token(&settings("marketplace", "s3cr3t")));
        assert_ne!(a, webhook_token(&settings("other", "s3cr3t")));
        assert_ne!(a, webhook_token(&settings("marketplace", "rotated")));
        assert!(!a.contains("s3cr3t"));
    }

    #[test]
    fn only_the_exact_token_matches() {
        let s = settings("marketplace", "s3cr3t");
        let token = webhook_token(&s);
        assert!(token_matches(&s, &token));
        assert!(!token_matches(&s, &token[..63]));
        assert!(!token_matches(&s, &format!("{token}0")));
        assert!(!token_matches(&s, ""));
        assert!(!token_matches(&s, &token.to_uppercase()));
    }

    #[test]
    fn redeliveries_share_a_key_and_other_events_do_not() {
        let body = br#"{"eventType":"INVOICE_CREATION","accountId":"2ad52f53-85ae-408a-9879-32a7e59dd03d",
            "objectType":"INVOICE","objectId":"c6fe2246-62e2-450d-b9fc-a27003771535","metaData":null}"#;
        let (a, _) = parse_notification(body).unwrap();
        let (b, _) = parse_notification(body).unwrap();
        assert_eq!(dedupe_key(&a), dedupe_key(&b));
        let other = Notification { event_type: "INVOICE_ADJUSTMENT".into(), ..a.clone() };
        assert_ne!(dedupe_key(&a), dedupe_key(&other));
    }

    #[test]
    fn malformed_bodies_are_explained() {
        assert!(parse_notification(b"{not json").unwrap_err().contains("not valid JSON"));
        assert!(parse_notification(b"[1,2]").unwrap_err().contains("JSON object"));
        assert!(parse_notification(br#"{"accountId":null}"#).unwrap_err().contains("eventType"));
        assert!(parse_notification(br#"{"eventType":"X","accountId":"nope"}"#).is_err());
    }
}
