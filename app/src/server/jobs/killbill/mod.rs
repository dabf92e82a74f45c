//! Mirrors our invoices and payments into Kill Bill (push only; our database
//! stays the system of record). One Kill Bill account per tenant (external
//! key = the tenant's user id), every invoice once with its lines, committed,
//! every payment once as an external payment, each refund once, each credit
//! note once as item adjustments of its invoice, and the void of an invoice
//! voided here after it was mirrored once (`voidInvoice`). Accounts run in parallel up to
//! `KILLBILL_CONCURRENCY`, each with a single writer. A rerun resumes: mapped
//! records are skipped, and fully mirrored tenants cost no request at all.
//! A run that reached Kill Bill asks for a reconciliation (a job of its own,
//! see [`reconcile`]); it never runs one inline.

pub mod account;
pub mod credit_note;
pub mod invoice;
pub mod payment;
pub mod profile;
pub mod reconcile;
pub mod refund;
pub mod retry;
pub mod void;

use anyhow::Context;
use futures::StreamExt;
use serde_json::json;
use std::sync::atomic::AtomicBool;

use super::journal::Journal;
use super::progress::Progress;
use super::{SyncContext, SyncSummary};
use crate::domain::{Job, Platform};
use crate::server::adapters::killbill::KillBillClient;
use crate::server::store::sync_request::{self, Requester};
use crate::server::store::sync_run::{self, RunCounts, RunOutcome};
use crate::server::store::{external_ref, killbill_mirror};
pub use retry::RetryPolicy;

/// How a run talks to Kill Bill.
#[derive(Debug, Clone, Copy)]
pub struct MirrorOptions {
    /// Accounts mirrored at the same time.
    pub concurrency: usize,
    /// Retries of one step.
    pub retry: RetryPolicy,
}

/// What a step needs: the database, the client and the run's shared state.
pub struct Env<'a, C> {
    pool: &'a sqlx::PgPool,
    client: &'a C,
    journal: &'a Journal,
    retry: RetryPolicy,
    /// Set once Kill Bill stopped answering: the remaining accounts are left for the next run.
    gave_up: AtomicBool,
    /// The terminal progress bar (records to mirror).
    progress: Progress,
}

impl<C> Env<'_, C> {
    /// Counts a finished record on the progress bar.
    fn tick(&self) {
        self.progress.inc(1);
    }
}

/// The counts of a run and what went wrong.
#[derive(Debug, Default)]
pub struct Tally {
    /// Invoices and payments read to mirror.
    pub records_in: i32,
    /// Records written to Kill Bill.
    pub records_out: i32,
    /// Records Kill Bill refused or that could not be sent.
    pub records_failed: i32,
    /// Records that needed nothing sent (already mirrored, voided, or held in
    /// the quarantine).
    pub records_skipped: i32,
    /// Records Kill Bill refused (or that could not be sent), in plain words.
    pub refusals: Vec<String>,
    /// Set when Kill Bill stopped answering, with the technical detail.
    pub unreachable: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.records_in += other.records_in;
        self.records_out += other.records_out;
        self.records_failed += other.records_failed;
        self.records_skipped += other.records_skipped;
        self.refusals.extend(other.refusals);
        if self.unreachable.is_none() {
            self.unreachable = other.unreachable;
        }
    }

    fn counts(&self) -> RunCounts {
        RunCounts {
            records_in: self.records_in,
            records_out: self.records_out,
            records_failed: self.records_failed,
            records_skipped: self.records_skipped,
        }
    }

    /// How the run ended, in plain words plus the technical detail.
    fn outcome(&self) -> RunOutcome {
        if let Some(detail) = &self.unreachable {
            return RunOutcome::Failed { error: "Kill Bill did not answer".into(), detail: detail.clone() };
        }
        if self.refusals.is_empty() {
            return RunOutcome::Succeeded;
        }
        // Refused records are quarantined: the run did everything else.
        let n = self.refusals.len();
        let error = format!("Kill Bill refused {n} record{}; see the quarantine", if n == 1 { "" } else { "s" });
        RunOutcome::Warned { error, detail: self.refusals.iter().take(20).cloned().collect::<Vec<_>>().join("\n") }
    }
}

/// Runs one Kill Bill mirror with the configured settings.
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<SyncSummary> {
    let (client, settings) = ctx.killbill()?;
    let options = MirrorOptions { concurrency: settings.concurrency, retry: RetryPolicy::default() };
    run_with(ctx, client, trigger, options).await
}

/// Runs one mirror with a given client and options; records the `sync_run`,
/// asks for a reconciliation when Kill Bill answered, and returns an error
/// (after recording it) when the run failed.
pub async fn run_with<C: KillBillClient>(
    ctx: &SyncContext,
    client: &C,
    trigger: &str,
    options: MirrorOptions,
) -> anyhow::Result<SyncSummary> {
    let run_id = sync_run::start_run(&ctx.pool, Job::KillbillMirror, trigger).await.context("recording the run")?;
    let journal = Journal::new(&ctx.settings.log_dir, ctx.settings.log_rotation, Platform::KillBill, run_id);
    journal.record("started", json!({ "trigger": trigger, "concurrency": options.concurrency }));
    let (tally, outcome) = match mirror_all(ctx, client, &journal, options).await {
        Ok(tally) => {
            let outcome = tally.outcome();
            (tally, outcome)
        }
        Err(err) => {
            let error = "The Kill Bill sync stopped on a database error".to_owned();
            (Tally::default(), RunOutcome::Failed { error, detail: format!("{err:#}") })
        }
    };
    let counts = tally.counts();
    let mut conn = ctx.pool.acquire().await.context("recording the end of the run")?;
    sync_run::finish_run(&mut conn, run_id, counts, None, &outcome, ctx.tick)
        .await
        .context("recording the end of the run")?;
    drop(conn);
    if tally.unreachable.is_none() {
        // Whatever the mirror wrote or was refused, the totals are compared next.
        match sync_request::enqueue(&ctx.pool, Job::KillbillReconciliation, Requester::FollowUp).await {
            Ok(request) => journal.record("reconciliation_requested", json!({ "request": request })),
            Err(err) => tracing::warn!(error = %err, "could not ask for a Kill Bill reconciliation"),
        }
    }
    let summary = SyncSummary {
        run_id,
        records_in: counts.records_in,
        records_out: counts.records_out,
        records_failed: counts.records_failed,
        records_skipped: counts.records_skipped,
    };
    match outcome {
        RunOutcome::Succeeded => {
            journal.record(
                "finished",
                json!({ "in": counts.records_in, "out": counts.records_out,
                "failed": counts.records_failed, "skipped": counts.records_skipped }),
            );
            Ok(summary)
        }
        RunOutcome::Warned { error, detail } => {
            journal.record(
                "finished",
                json!({ "in": counts.records_in, "out": counts.records_out,
                "failed": counts.records_failed, "skipped": counts.records_skipped,
                "warning": error, "detail": detail }),
            );
            Ok(summary)
        }
        RunOutcome::Failed { error, detail } => {
            journal.record("failed", json!({ "error": error, "detail": detail, "out": counts.records_out }));
            anyhow::bail!("{error} (run {run_id}): {detail}")
        }
    }
}

async fn mirror_all<C: KillBillClient>(
    ctx: &SyncContext,
    client: &C,
    journal: &Journal,
    options: MirrorOptions,
) -> anyhow::Result<Tally> {
    refresh_statistics(ctx, journal).await?;
    let tenants = killbill_mirror::list_tenants_to_mirror(&ctx.pool).await.context("reading tenants to mirror")?;
    let mirrored = killbill_mirror::count_mirrored(&ctx.pool).await.context("counting mirrored records")?;
    let mut tally = Tally { records_skipped: i32::try_from(mirrored).unwrap_or(i32::MAX), ..Tally::default() };
    journal.record("planned", json!({ "accounts": tenants.len(), "already_mirrored": mirrored }));
    // One healthcheck per run (outside the API, no tenant work), so a Kill Bill
    // that is down shows as a failed run even when there is nothing to send.
    let quick = RetryPolicy { attempts: options.retry.attempts.min(3), ..options.retry };
    if let Err(err) = retry::with_retry(quick, || async { Ok(client.healthcheck().await?) }).await {
        tally.unreachable = Some(format!("healthcheck: {err}"));
        return Ok(tally);
    }
    if tenants.is_empty() {
        return Ok(tally);
    }
    let to_mirror = if ctx.progress {
        killbill_mirror::count_to_mirror(&ctx.pool).await.context("counting records to mirror")?
    } else {
        0
    };
    let env = Env {
        pool: &ctx.pool,
        client,
        journal,
        retry: options.retry,
        gave_up: AtomicBool::new(false),
        progress: Progress::new("Kill Bill", "records", to_mirror, ctx.progress),
    };
    let results: Vec<anyhow::Result<Tally>> = futures::stream::iter(tenants)
        .map(|tenant| account::mirror_account(&env, tenant))
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    env.progress.finish();
    for result in results {
        tally.merge(result?);
    }
    refresh_statistics(ctx, journal).await?;
    Ok(tally)
}

/// Before and after the accounts: the mappings' statistics brought up to date
/// when the mirror itself made them stale (see `analyze_if_stale`), so that
/// the lists of each account, the reconciliation that follows and the next
/// run's corrections are planned on what the table holds.
async fn refresh_statistics(ctx: &SyncContext, journal: &Journal) -> anyhow::Result<()> {
    if external_ref::analyze_if_stale(&ctx.pool).await.context("refreshing the mappings' statistics")? {
        journal.record("analyzed", json!({ "table": "external_ref" }));
    }
    Ok(())
}
