//! The `condo_outbox` job: sends Condo the requests, photos and comments written here, each
//! exactly once.
//!
//! Each due row is checkpointed (`sending`, one more attempt) before its write, and the write
//! is sent once. A row that was tried before first looks its marker up in Condo
//! (`domain::condo_marker`): found, it is recorded as sent without a second write. So a lost
//! answer, a crash or a timeout never makes a duplicate; Condo down leaves the rows waiting
//! for the next run (a minute later, then backing off); a refusal (Condo's validation, an
//! unlinked property) is final and shown to the person who wrote it.

use anyhow::Context as _;
use chrono::Utc;
use std::collections::HashMap;

use super::super::{SyncContext, SyncSummary};
use crate::domain::{Job, condo_marker};
use crate::server::adapters::condo::CondoError;
use crate::server::adapters::condo::write::{CondoWriter, NewTicket, TicketTarget, Upload};
use crate::server::store::condo_outbox::{self, DueRow};
use crate::server::store::sync_run::{RunCounts, RunOutcome, finish_run, start_run};

/// Rows handled in one run at most; the rest waits for the next.
const BATCH: i64 = 200;

/// Sends what is due with the configured client; records a run only when there was anything.
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<SyncSummary> {
    let (client, _) = ctx.condo()?;
    run_with_writer(ctx, client, trigger).await
}

/// What happened to one row.
enum Sent {
    /// Condo has it (sent now, or found by its marker).
    Done,
    /// Not yet: the ticket of a photo or comment is not in Condo yet.
    Later,
    /// Condo refused it for good.
    Refused,
    /// A transient failure: tried again later.
    Retry,
}

/// Sends what is due with `writer`.
pub async fn run_with_writer<W: CondoWriter>(
    ctx: &SyncContext,
    writer: &W,
    trigger: &str,
) -> anyhow::Result<SyncSummary> {
    let due = condo_outbox::due(&ctx.pool, BATCH).await.context("reading the Condo outbox")?;
    if due.is_empty() {
        return Ok(SyncSummary::default());
    }
    let run_id = start_run(&ctx.pool, Job::CondoOutbox, trigger).await.context("recording the run")?;
    let mut sender = Sender { ctx, writer, targets: HashMap::new(), sent_tickets: HashMap::new() };
    let (mut done, mut refused, mut retry, mut later) = (0, 0, 0, 0);
    let mut stopped: Option<CondoError> = None;
    for row in &due {
        match sender.send(row).await {
            Ok(Sent::Done) => done += 1,
            Ok(Sent::Later) => later += 1,
            Ok(Sent::Refused) => refused += 1,
            Ok(Sent::Retry) => retry += 1,
            Err(SendError::Database(err)) => {
                let outcome = RunOutcome::Failed {
                    error: "Our database did not accept the outbox".into(),
                    detail: format!("{err:#}"),
                };
                finish(ctx, run_id, (done, refused, retry + 1, later), &outcome).await?;
                return Err(err).context("sending the Condo outbox");
            }
            Err(SendError::Unreachable(err)) => {
                stopped = Some(err);
                break;
            }
        }
    }
    let outcome = match (&stopped, refused, retry) {
        (Some(err), ..) => RunOutcome::Failed {
            error: err.plain_words().to_owned(),
            detail: format!("{err}; {done} sent, the rest waits for the next run"),
        },
        (None, 0, 0) => RunOutcome::Succeeded,
        (None, ..) => RunOutcome::Warned {
            error: format!("{refused} refused by Condo, {retry} to retry"),
            detail: "See the refusals on the tickets; the rest was sent.".into(),
        },
    };
    let counts = finish(ctx, run_id, (done, refused, retry, later), &outcome).await?;
    if let RunOutcome::Failed { error, detail } = outcome {
        anyhow::bail!("{error} (run {run_id}): {detail}");
    }
    Ok(SyncSummary {
        run_id,
        records_in: counts.records_in,
        records_out: counts.records_out,
        records_failed: counts.records_failed,
        records_skipped: counts.records_skipped,
    })
}

async fn finish(
    ctx: &SyncContext,
    run_id: i64,
    (done, refused, retry, later): (i32, i32, i32, i32),
    outcome: &RunOutcome,
) -> anyhow::Result<RunCounts> {
    let counts = RunCounts {
        records_in: done + refused + retry + later,
        records_out: done,
        records_failed: refused + retry,
        records_skipped: later,
    };
    let mut conn = ctx.pool.acquire().await.context("recording the end of the run")?;
    finish_run(&mut conn, run_id, counts, None, outcome, ctx.tick).await.context("recording the end of the run")?;
    Ok(counts)
}

/// Why a row stopped the run.
enum SendError {
    /// Our database failed.
    Database(sqlx::Error),
    /// Condo cannot be reached or refuses our credentials: the other rows would fail too.
    Unreachable(CondoError),
}

impl From<sqlx::Error> for SendError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

struct Sender<'a, W> {
    ctx: &'a SyncContext,
    writer: &'a W,
    /// Each Condo property's organization and our ticket source, asked once per run.
    targets: HashMap<String, TicketTarget>,
    /// Tickets sent in this run: their photos and comments follow at once.
    sent_tickets: HashMap<uuid::Uuid, String>,
}

impl<W: CondoWriter> Sender<'_, W> {
    async fn send(&mut self, row: &DueRow) -> Result<Sent, SendError> {
        let result = match row.kind.as_str() {
            "ticket" => self.send_ticket(row).await,
            kind => {
                let ticket = row.ticket_external_id.clone().or_else(|| self.sent_tickets.get(&row.ticket_id).cloned());
                let Some(ticket) = ticket else { return Ok(Sent::Later) };
                if kind == "file" { self.send_file(row, &ticket).await } else { self.send_comment(row, &ticket).await }
            }
        };
        let pool = &self.ctx.pool;
        let result = match result {
            Err(Failure::Database(err)) => return Err(SendError::Database(err)),
            Err(Failure::Condo(err)) => Err(err),
            Ok(outcome) => Ok(outcome),
        };
        match result {
            Ok(Outcome::Sent { id, number }) => {
                let mut tx = pool.begin().await?;
                condo_outbox::mark_sent(&mut tx, row, &id, number).await?;
                tx.commit().await?;
                if row.kind == "ticket" {
                    self.sent_tickets.insert(row.ticket_id, id);
                }
                Ok(Sent::Done)
            }
            Ok(Outcome::Refused(reason)) => {
                condo_outbox::mark_refused(pool, row, &reason).await?;
                tracing::warn!(id = %row.id, kind = %row.kind, %reason, "Condo refused an outbox record");
                Ok(Sent::Refused)
            }
            Err(err) if err.is_retryable() || matches!(err, CondoError::Decode { .. }) => {
                let next = Utc::now() + backoff(row.attempts);
                condo_outbox::mark_retry(pool, row.id, &err.to_string(), next).await?;
                if matches!(err, CondoError::Connect { .. } | CondoError::Timeout { .. }) && row.attempts >= 1 {
                    // Condo looks down: leave the rest for the next run.
                    return Err(SendError::Unreachable(err));
                }
                Ok(Sent::Retry)
            }
            Err(err @ (CondoError::Unauthenticated | CondoError::SignInRefused { .. })) => {
                condo_outbox::mark_retry(pool, row.id, &err.to_string(), Utc::now() + backoff(row.attempts)).await?;
                Err(SendError::Unreachable(err))
            }
            Err(err) => {
                let reason = refusal_words(&err);
                condo_outbox::mark_refused(pool, row, &reason).await?;
                tracing::warn!(id = %row.id, kind = %row.kind, %reason, "Condo refused an outbox record");
                Ok(Sent::Refused)
            }
        }
    }

    async fn target(&mut self, property: &str) -> Result<TicketTarget, CondoError> {
        if let Some(target) = self.targets.get(property) {
            return Ok(target.clone());
        }
        let target = self.writer.ticket_target(property).await?;
        self.targets.insert(property.to_owned(), target.clone());
        Ok(target)
    }

    async fn send_ticket(&mut self, row: &DueRow) -> Result<Outcome, Failure> {
        let payload = condo_outbox::ticket_payload(&self.ctx.pool, row.id).await?;
        let Some(payload) = payload else { return Ok(Outcome::Refused("the request no longer exists".into())) };
        let Some(property) = payload.condo_property_id.clone() else {
            return Ok(Outcome::Refused("the property is not linked to Condo any more".into()));
        };
        let target = self.target(&property).await?;
        let marker = condo_marker::marker(row.id);
        if row.attempts > 0
            && let Some(found) = self.writer.find_ticket(&target.organization_id, &marker).await?
        {
            return Ok(Outcome::Sent { id: found.id, number: Some(found.number) });
        }
        mark_sending(self.ctx, row).await?;
        let mut text = payload.details.clone();
        if let Some(hours) = payload.visiting_hours.as_deref().filter(|h| !h.trim().is_empty()) {
            text = format!("{}\n\nPreferred visiting hours: {}", text.trim_end(), hours.trim());
        }
        let ticket = NewTicket {
            property_id: property,
            unit_name: payload.unit_label.unwrap_or_default(),
            unit_type: "flat".into(),
            details: condo_marker::marked(&text, row.id),
            classifier_id: payload.category_id,
            is_emergency: payload.is_emergency,
            client_name: payload.client_name.unwrap_or_default(),
            client_email: payload.client_email.unwrap_or_default(),
            client_phone: payload.client_phone,
        };
        let created = self.writer.create_ticket(&target, &ticket).await?;
        Ok(Outcome::Sent { id: created.id, number: Some(created.number) })
    }

    async fn send_file(&mut self, row: &DueRow, ticket: &str) -> Result<Outcome, Failure> {
        let payload = condo_outbox::file_payload(&self.ctx.pool, row.id).await?;
        let Some((filename, content_type, Some(bytes))) = payload else {
            return Ok(Outcome::Refused("the photo no longer exists".into()));
        };
        let extension = filename.rsplit_once('.').map_or("bin", |(_, ext)| ext);
        let name = condo_marker::file_name(row.id, extension);
        if row.attempts > 0
            && let Some(id) = self.writer.find_file(ticket, &name).await?
        {
            return Ok(Outcome::Sent { id, number: None });
        }
        mark_sending(self.ctx, row).await?;
        let upload = Upload { filename: name, content_type, bytes };
        let id = self.writer.upload_file(ticket, &upload).await?;
        Ok(Outcome::Sent { id, number: None })
    }

    async fn send_comment(&mut self, row: &DueRow, ticket: &str) -> Result<Outcome, Failure> {
        let payload = condo_outbox::comment_payload(&self.ctx.pool, row.id).await?;
        let Some((content, for_residents)) = payload else {
            return Ok(Outcome::Refused("the comment no longer exists".into()));
        };
        let marker = condo_marker::marker(row.id);
        if row.attempts > 0
            && let Some(id) = self.writer.find_comment(ticket, &marker).await?
        {
            return Ok(Outcome::Sent { id, number: None });
        }
        mark_sending(self.ctx, row).await?;
        let id = self.writer.create_comment(ticket, &condo_marker::marked(&content, row.id), for_residents).await?;
        Ok(Outcome::Sent { id, number: None })
    }
}

/// What Condo did with one record.
enum Outcome {
    /// Condo has it under `id` (a ticket with its `number`).
    Sent { id: String, number: Option<i64> },
    /// Condo will never take it, for this reason.
    Refused(String),
}

async fn mark_sending(ctx: &SyncContext, row: &DueRow) -> Result<(), Failure> {
    Ok(condo_outbox::mark_sending(&ctx.pool, row.id).await?)
}

/// A failed send: Condo's answer, or our database.
enum Failure {
    Condo(CondoError),
    Database(sqlx::Error),
}

impl From<CondoError> for Failure {
    fn from(err: CondoError) -> Self {
        Self::Condo(err)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

/// Condo's refusal in words for the person who wrote the record.
fn refusal_words(err: &CondoError) -> String {
    match err {
        CondoError::Graphql { message, .. } => format!("Condo refused it: {message}"),
        CondoError::Status { status, .. } => format!("Condo refused it (HTTP {status})"),
        other => other.to_string(),
    }
}

/// How long a row waits after its `attempts`-th failure: 30 s, doubling, at most an hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let shift = u32::try_from(attempts.clamp(0, 7)).unwrap_or(7);
    chrono::Duration::seconds((30_i64 << shift).min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(1).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 240);
        assert_eq!(backoff(50).num_seconds(), 3600);
    }
}
