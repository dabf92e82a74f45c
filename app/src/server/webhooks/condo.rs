//! Condo's ticket webhooks (`POST /api/webhooks/condo/{token}`).
//!
//! A `WebhookSubscription` POSTs a bare JSON array of at most 100 tickets shaped by its
//! `fields` selection, unsigned: the token in the URL authenticates it, and when a secret is
//! configured (a signing relay in front of Condo) `X-Webhook-Signature` must be the hex
//! HMAC-SHA256 of `<X-Webhook-Timestamp>.<raw body>`, with the timestamp within 5 minutes. Each
//! ticket is stored as one `webhook_event`, deduplicated on (ticket id, version `v`), before
//! anything is processed.
//!
//! A delivery is only a hint that tickets changed: [`process_pending`] reads each one again
//! from Condo's API (`allTickets` by id, soft-deleted ones included), with its comments,
//! status changes and files (one more request for the whole batch), and writes what Condo
//! says through the import's own path (unit by `unitName` label, property through the
//! admin-made links, requests filed here mapped back by their marker); an older version than
//! the one stored changes nothing. So whoever knows the URL token can at most make us read
//! tickets again: a forged body (content, a huge `v`) writes nothing, and a ticket Condo does
//! not show us is recorded as `absent`. A new comment bumps its ticket's version in Condo, so
//! it arrives with the hint; files and comment edits or deletions do not, and the nightly
//! import reads those since its last run.
//!
//! The subscription should select at least `id` and `v` ([`FIELDS`] is a good choice).

use anyhow::Context as _;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use uuid::Uuid;

use super::Processed;
pub use super::condo_signature::{token_matches, verify_signature};
use crate::server::adapters::condo::wire::{TicketDetailData, WireTicket};
use crate::server::adapters::condo::{CondoClient, CondoSettings};
use crate::server::jobs::SyncContext;
use crate::server::jobs::condo::detail::{apply_records, store_files};
use crate::server::jobs::condo::mapping::{categories_of, map_ticket};
use crate::server::jobs::condo::tickets::{ReadTicket, write_tickets};
use crate::server::store::condo_detail::upsert_categories;
use crate::server::store::condo_import::list_condo_property_links;
use crate::server::store::webhook_event::{
    NewWebhookEvent, PendingEvent, claim_pending_events_of, finish_event, finish_event_with_outcome,
    insert_event_if_new,
};

/// `webhook_event.source` of these deliveries.
pub const SOURCE: &str = "condo";
/// Condo's largest pack (`maxPackSize`).
pub const MAX_TICKETS: usize = 100;
/// The largest body accepted: 100 tickets with long details fit well within it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The selection a subscription should use (its `fields`).
pub const FIELDS: &str = "{ id v number title details status { id type name } priority property { id address } unitName unitType sectionName floorName isEmergency deadline createdAt updatedAt deletedAt }";

/// Events claimed per transaction by [`process_pending`].
const BATCH: i64 = 100;
/// Transactions per [`process_pending`] call; what is left waits for the next call.
const MAX_BATCHES: usize = 20;

/// Why a delivery's body was refused (answered with a 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The body does not parse as JSON; the parser's error.
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    /// The body is JSON but not an array.
    #[error("the body must be a JSON array of tickets")]
    NotAnArray,
    /// More than [`MAX_TICKETS`] tickets; how many there were.
    #[error("a delivery carries at most {MAX_TICKETS} tickets, this one {0}")]
    TooManyTickets(usize),
    /// One ticket is not what we accept.
    #[error("ticket {index}: {reason}")]
    BadTicket {
        /// Its position in the array (0-based).
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads a delivery: one event per ticket, keyed `<ticket id>:<v>`. Every ticket must be an
/// object with a string `id`, a positive `v`, a `number` and an `updatedAt`.
pub fn parse_delivery(body: &[u8], verification: &str) -> Result<Vec<NewWebhookEvent>, DeliveryError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| DeliveryError::NotJson(e.to_string()))?;
    let Value::Array(tickets) = value else { return Err(DeliveryError::NotAnArray) };
    if tickets.len() > MAX_TICKETS {
        return Err(DeliveryError::TooManyTickets(tickets.len()));
    }
    tickets
        .into_iter()
        .enumerate()
        .map(|(index, ticket)| {
            let bad = |reason: String| DeliveryError::BadTicket { index, reason };
            if !ticket.is_object() {
                return Err(bad("not an object".into()));
            }
            let wire: WireTicket = serde_json::from_value(ticket.clone()).map_err(|e| bad(e.to_string()))?;
            let v = wire.v.filter(|v| *v >= 1).ok_or_else(|| bad("`v` must be a positive version".into()))?;
            if wire.id.trim().is_empty() {
                return Err(bad("`id` is empty".into()));
            }
            Ok(NewWebhookEvent {
                source: SOURCE.into(),
                dedupe_key: format!("{}:{v}", wire.id),
                verification: verification.into(),
                payload: ticket,
            })
        })
        .collect()
}

/// What storing a delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    /// New events, waiting to be processed.
    pub accepted: usize,
    /// Tickets whose version had been received before.
    pub duplicates: usize,
}

/// Stores a delivery's events in one transaction; versions seen before are skipped.
pub async fn store_delivery(pool: &PgPool, events: &[NewWebhookEvent]) -> Result<Stored, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut stored = Stored::default();
    for event in events {
        match insert_event_if_new(&mut *tx, event).await? {
            Some(_) => stored.accepted += 1,
            None => stored.duplicates += 1,
        }
    }
    tx.commit().await?;
    Ok(stored)
}

/// How one event ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The ticket was inserted or updated.
    Applied,
    /// The stored version is the same or newer: nothing changed.
    Stale,
    /// Its Condo property is not linked to one of ours.
    Unlinked,
    /// Condo does not show us this ticket: forged, or outside what we may read.
    Absent,
    /// Its marker names a request of ours that is already another Condo ticket's.
    Duplicate,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Stale => "stale",
            Outcome::Unlinked => "unlinked",
            Outcome::Absent => "absent",
            Outcome::Duplicate => "duplicate",
        }
    }
}

/// Why an event could not be applied.
enum ApplyError {
    /// The ticket itself cannot be mapped; retrying will not help.
    Rejected(String),
    /// The database failed; the event is retried later.
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ApplyError {
    fn from(err: sqlx::Error) -> Self {
        ApplyError::Database(err)
    }
}

/// Processes pending Condo events: each batch is claimed with `FOR UPDATE SKIP LOCKED` (so
/// concurrent callers never take the same event), its tickets are read again from Condo in
/// one call, and each event is applied in a savepoint, then finished with its outcome. When
/// Condo cannot be read, or the database fails on an event, the events stay pending with the
/// error and a later call retries them (up to 10 attempts).
pub async fn process_pending(ctx: &SyncContext) -> anyhow::Result<Processed> {
    let mut processed = Processed::default();
    for _ in 0..MAX_BATCHES {
        let mut tx = ctx.pool.begin().await.context("cannot open a transaction")?;
        let events =
            claim_pending_events_of(&mut *tx, SOURCE, BATCH).await.context("cannot claim pending Condo events")?;
        if events.is_empty() {
            break;
        }
        let Some((current, detail)) = reread(ctx, &mut tx, &events, &mut processed).await? else {
            tx.commit().await.context("cannot record the Condo events to retry")?;
            break;
        };
        let links = list_condo_property_links(&mut *tx).await.context("cannot read the Condo property links")?;
        let mut applied = Vec::new();
        for event in &events {
            let ticket = ticket_id(&event.payload).and_then(|id| current.get(id));
            let mut savepoint = sqlx::Acquire::begin(&mut *tx).await.context("cannot open a savepoint")?;
            let outcome = match ticket {
                Some(ticket) => apply(&mut savepoint, &links, ticket, &detail).await,
                None => Ok(Outcome::Absent),
            };
            if let (Ok(Outcome::Applied | Outcome::Stale), Some(ticket)) = (&outcome, ticket)
                && ticket.deleted_at.is_none()
            {
                applied.push(ticket.id.clone());
            }
            match outcome {
                Ok(outcome) => {
                    finish_event_with_outcome(&mut *savepoint, event.id, outcome.as_str(), None).await?;
                    savepoint.commit().await?;
                    processed.done += 1;
                }
                Err(ApplyError::Rejected(reason)) => {
                    tracing::warn!(event = event.id, %reason, "Condo webhook ticket rejected");
                    finish_event_with_outcome(&mut *savepoint, event.id, "rejected", Some(&reason)).await?;
                    savepoint.commit().await?;
                    processed.done += 1;
                }
                Err(ApplyError::Database(err)) => {
                    savepoint.rollback().await?;
                    tracing::warn!(event = event.id, error = %err, "Condo webhook event failed; it will be retried");
                    finish_event(&mut *tx, event.id, Some(&format!("database: {err}"))).await?;
                    processed.failed.push(format!("event {}: database: {err}", event.id));
                }
            }
        }
        tx.commit().await.context("cannot commit processed Condo events")?;
        store_files_of(ctx, &detail, &applied).await;
        if events.len() < BATCH as usize {
            break;
        }
    }
    Ok(processed)
}

/// The batch's tickets as Condo has them now, by id, with the comments, changes and files of
/// the live ones. `None` when Condo could not be read: the events are then left pending with
/// the reason (or, without a Condo client, finished as rejected, since no later call could
/// read them either).
async fn reread(
    ctx: &SyncContext,
    tx: &mut PgConnection,
    events: &[PendingEvent],
    processed: &mut Processed,
) -> anyhow::Result<Option<(HashMap<String, WireTicket>, TicketDetailData)>> {
    let Some(client) = ctx.integrations.condo() else {
        let reason = "Condo is not configured (CONDO_URL): a delivery is only a hint and the ticket cannot be read";
        for event in events {
            finish_event_with_outcome(&mut *tx, event.id, "rejected", Some(reason)).await?;
            processed.done += 1;
        }
        return Ok(None);
    };
    let mut ids: Vec<String> = events.iter().filter_map(|e| ticket_id(&e.payload)).map(str::to_owned).collect();
    ids.sort();
    ids.dedup();
    let read = async {
        let tickets = client.tickets_by_ids(&ids).await?;
        let live: Vec<String> = tickets.iter().filter(|t| t.deleted_at.is_none()).map(|t| t.id.clone()).collect();
        let detail = client.ticket_detail(&live).await?;
        Ok::<_, crate::server::adapters::condo::CondoError>((tickets, detail))
    };
    match read.await {
        Ok((tickets, detail)) => Ok(Some((tickets.into_iter().map(|t| (t.id.clone(), t)).collect(), detail))),
        Err(err) => {
            tracing::warn!(error = %err, events = events.len(), "Condo could not be read; the events wait");
            for event in events {
                finish_event(&mut *tx, event.id, Some(&format!("condo: {err}"))).await?;
                processed.failed.push(format!("event {}: condo: {err}", event.id));
            }
            Ok(None)
        }
    }
}

/// The ticket id a delivery names.
fn ticket_id(payload: &Value) -> Option<&str> {
    payload.get("id").and_then(Value::as_str)
}

/// Applies one ticket, as Condo has it, through the import's path: the ticket (a request of
/// ours mapped back by its marker), its classifier, comments and status changes.
async fn apply(
    conn: &mut PgConnection,
    links: &HashMap<String, Uuid>,
    ticket: &WireTicket,
    detail: &TicketDetailData,
) -> Result<Outcome, ApplyError> {
    let Some(property) = ticket.property.as_ref() else {
        return Err(ApplyError::Rejected("the ticket names no property".into()));
    };
    let Some(&local) = links.get(&property.id) else { return Ok(Outcome::Unlinked) };
    let row = map_ticket(ticket, local).map_err(|e| ApplyError::Rejected(e.to_string()))?;
    let written = write_tickets(conn, &[ReadTicket::new(ticket, row)]).await?;
    if !written.duplicates.is_empty() {
        return Ok(Outcome::Duplicate);
    }
    upsert_categories(&mut *conn, &categories_of(ticket.classifier.as_ref())).await?;
    let mut wrote_detail = false;
    if ticket.deleted_at.is_none() {
        let own = detail_of(detail, &ticket.id);
        wrote_detail = apply_records(conn, &own, std::slice::from_ref(&ticket.id)).await?.wrote();
    }
    Ok(if written.written == 1 || wrote_detail { Outcome::Applied } else { Outcome::Stale })
}

/// The part of `detail` that belongs to ticket `id` (statuses whole).
fn detail_of(detail: &TicketDetailData, id: &str) -> TicketDetailData {
    let of = |ticket: Option<&crate::server::adapters::condo::wire::IdOnly>| ticket.is_some_and(|t| t.id == id);
    TicketDetailData {
        comments: detail.comments.iter().filter(|c| of(c.ticket.as_ref())).cloned().collect(),
        changes: detail.changes.iter().filter(|c| of(c.ticket.as_ref())).cloned().collect(),
        files: Vec::new(),
        statuses: detail.statuses.clone(),
    }
}

/// Stores the files of the tickets written (`tickets`: their Condo ids), once their events
/// are committed. A failure is logged and left to the nightly import, which reads the files
/// added since its last run.
async fn store_files_of(ctx: &SyncContext, detail: &TicketDetailData, tickets: &[String]) {
    let Some(client) = ctx.integrations.condo() else { return };
    if tickets.is_empty() {
        return;
    }
    let max = ctx.settings.condo.as_ref().map_or(CondoSettings::DEFAULT_MAX_FILE_BYTES, |s| s.max_file_bytes);
    let files: Vec<_> =
        detail.files.iter().filter(|f| f.ticket.as_ref().is_some_and(|t| tickets.contains(&t.id))).cloned().collect();
    match store_files(&ctx.pool, client, &files, tickets, max).await {
        Ok(tally) if !tally.failed.is_empty() => {
            tracing::warn!(failed = ?tally.failed, "some Condo files could not be read");
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %format!("{err:#}"), "Condo files wait for the nightly import"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_example_body_gives_one_event_per_ticket_version() {
        let body = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/contracts/condo/examples/webhook_ticket_post_body.json"
        ));
        let events = parse_delivery(body, "token").unwrap();
        let keys: Vec<_> = events.iter().map(|e| e.dedupe_key.as_str()).collect();
        assert_eq!(keys, ["c0a4a3d2-5b1e-4e8f-9f3a-7d2b6e1c4a10:3", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9:5"]);
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        assert!(matches!(parse_delivery(b"{", "token"), Err(DeliveryError::NotJson(_))));
        assert_eq!(parse_delivery(br#"{"id":"x"}"#, "token").unwrap_err(), DeliveryError::NotAnArray);
        let ticket = r#"{"id":"t","v":1,"number":1,"updatedAt":"2026-08-20T09:14:03.530Z"}"#;
        let many = format!("[{}]", vec![ticket; 101].join(","));
        assert_eq!(parse_delivery(many.as_bytes(), "token").unwrap_err(), DeliveryError::TooManyTickets(101));
        assert!(matches!(parse_delivery(b"[1]", "token"), Err(DeliveryError::BadTicket { index: 0, .. })));
        let no_version = r#"[{"id":"t","number":1,"updatedAt":"2026-08-20T09:14:03.530Z"}]"#;
        assert!(matches!(parse_delivery(no_version.as_bytes(), "token"), Err(DeliveryError::BadTicket { .. })));
        assert_eq!(parse_delivery(format!("[{ticket}]").as_bytes(), "token").unwrap().len(), 1);
    }
}
