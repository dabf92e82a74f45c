//! Reconciliation: per account and in total, our invoiced / paid / balance
//! against Kill Bill's (invoices read with their components, the account's
//! invoice payments, its balance). Differences are reported as missing,
//! amount mismatch or status mismatch, and the report is stored
//! (`store::killbill_reconciliation`) with its `sync_run` (the job
//! `killbill_reconciliation`). Read only: nothing is sent to Kill Bill.

mod compare;

pub use compare::compare;

use anyhow::Context;
use chrono::Utc;
use futures::StreamExt;
use uuid::Uuid;

use super::retry::{RetryPolicy, StepError, with_retry};
use crate::domain::{Job, Money};
use crate::server::adapters::killbill::KillBillClient;
use crate::server::adapters::killbill::wire::{Invoice, InvoicePayment};
use crate::server::jobs::progress::Progress;
use crate::server::jobs::{SyncContext, SyncSummary};
use crate::server::store::killbill_reconciliation::{self as store, AccountReport, DriftKind, LocalAccount, Report};
use crate::server::store::sync_run::{self, RunCounts, RunOutcome};

/// What Kill Bill holds for one account.
#[derive(Debug, Clone)]
pub struct KillBillAccount {
    /// Kill Bill's id of the account.
    pub account_id: Uuid,
    /// The account's invoices in Kill Bill.
    pub invoices: Vec<Invoice>,
    /// The account's invoice payments in Kill Bill.
    pub payments: Vec<InvoicePayment>,
    /// `accountBalance`.
    pub balance: Option<serde_json::Value>,
}

/// Reconciles every account with the configured Kill Bill and stores the
/// report; returns the run's summary with the report.
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<(SyncSummary, Report)> {
    let (client, settings) = ctx.killbill()?;
    run_with(ctx, client, trigger, settings.concurrency, RetryPolicy::default()).await
}

/// Reconciles with a given client, recorded as a run of its own. A run that
/// cannot finish is stored as failed and returned as an error (the previous
/// report stays the latest successful one). Drift is what a reconciliation
/// is for: it is reported, and the run succeeds.
pub async fn run_with<C: KillBillClient>(
    ctx: &SyncContext,
    client: &C,
    trigger: &str,
    concurrency: usize,
    retry: RetryPolicy,
) -> anyhow::Result<(SyncSummary, Report)> {
    let started_at = Utc::now();
    let run_id =
        sync_run::start_run(&ctx.pool, Job::KillbillReconciliation, trigger).await.context("recording the run")?;
    let compared = compare_all(ctx, client, concurrency, retry).await;
    let (counts, outcome) = match &compared {
        Ok(report) => {
            store::save_report(&ctx.pool, trigger, started_at, report)
                .await
                .context("storing the reconciliation report")?;
            let drifting = i32::try_from(report.drifting.len()).unwrap_or(i32::MAX);
            let counts = RunCounts {
                records_in: report.accounts,
                records_out: report.accounts - drifting,
                records_failed: drifting,
                records_skipped: 0,
            };
            (counts, RunOutcome::Succeeded)
        }
        Err(err) => {
            let detail = format!("{err:#}");
            store::save_failure(&ctx.pool, trigger, started_at, &detail)
                .await
                .context("recording the failed reconciliation")?;
            let error = "The reconciliation could not read Kill Bill".to_owned();
            (RunCounts::default(), RunOutcome::Failed { error, detail })
        }
    };
    let mut conn = ctx.pool.acquire().await.context("recording the end of the run")?;
    sync_run::finish_run(&mut conn, run_id, counts, None, &outcome, ctx.tick)
        .await
        .context("recording the end of the run")?;
    let report = compared.context("Kill Bill reconciliation failed")?;
    let summary = SyncSummary {
        run_id,
        records_in: counts.records_in,
        records_out: counts.records_out,
        records_failed: counts.records_failed,
        records_skipped: counts.records_skipped,
    };
    Ok((summary, report))
}

async fn compare_all<C: KillBillClient>(
    ctx: &SyncContext,
    client: &C,
    concurrency: usize,
    retry: RetryPolicy,
) -> anyhow::Result<Report> {
    let quick = RetryPolicy { attempts: retry.attempts.min(3), ..retry };
    with_retry(quick, || async { Ok(client.healthcheck().await?) }).await.context("Kill Bill healthcheck")?;
    let locals = store::list_local_accounts(&ctx.pool, None).await.context("reading our invoices and payments")?;
    let bar = Progress::new("Kill Bill reconciliation", "accounts", locals.len() as u64, ctx.progress);
    let bar = &bar;
    let results: Vec<anyhow::Result<AccountReport>> = futures::stream::iter(locals)
        .map(|local| async move {
            let tenant = local.tenant_id;
            let remote = fetch_account(client, &local, retry).await.with_context(|| format!("tenant {tenant}"))?;
            bar.inc(1);
            Ok(compare(&local, remote.as_ref()))
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    bar.finish();
    let accounts = results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Report::from_accounts(accounts))
}

/// Reads one account's invoices, invoice payments and balance from Kill Bill
/// (`None` when Kill Bill has no account for the tenant).
pub async fn fetch_account<C: KillBillClient>(
    client: &C,
    local: &LocalAccount,
    retry: RetryPolicy,
) -> Result<Option<KillBillAccount>, StepError> {
    let mapped = local.account_ref.as_deref().and_then(|r| Uuid::parse_str(r).ok());
    let account_id = match mapped {
        Some(id) => id,
        None => {
            let key = local.tenant_id.to_string();
            let found = with_retry(retry, || async { Ok(client.account_by_external_key(&key).await?) }).await?;
            match found.and_then(|a| a.account_id) {
                Some(id) => id,
                None => return Ok(None),
            }
        }
    };
    let invoices = with_retry(retry, || async { Ok(client.account_invoices(account_id).await?) }).await?;
    let payments = with_retry(retry, || async { Ok(client.account_invoice_payments(account_id).await?) }).await?;
    let account = with_retry(retry, || async { Ok(client.account_with_balance(account_id).await?) }).await?;
    Ok(Some(KillBillAccount { account_id, invoices, payments, balance: account.account_balance }))
}

/// A report as text, for the CLI.
pub fn render(report: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "Kill Bill reconciliation: {} accounts", report.accounts);
    for t in &report.totals {
        let show = |m: i64| Money::from_parts(m, &t.currency).map_or_else(|_| m.to_string(), |m| m.decimal());
        let _ = writeln!(out, "  {} ({} accounts)          ours          Kill Bill", t.currency, t.accounts);
        for (name, ours, theirs) in [
            ("invoiced", t.local.invoiced, t.killbill.invoiced),
            ("paid", t.local.paid, t.killbill.paid),
            ("balance", t.local.balance, t.killbill.balance),
        ] {
            let flag = if ours == theirs { "" } else { "  <- differs" };
            let _ = writeln!(out, "    {name:<10} {:>18} {:>18}{flag}", show(ours), show(theirs));
        }
    }
    let c = report.counts;
    let _ = writeln!(
        out,
        "drift: {} missing, {} amount mismatch, {} status mismatch",
        c.missing, c.amount_mismatch, c.status_mismatch
    );
    for a in &report.drifting {
        let _ = writeln!(
            out,
            "  tenant {} (Kill Bill account {}):",
            a.tenant_id,
            a.killbill_account_id.as_deref().unwrap_or("none")
        );
        for d in &a.drift {
            let kind = match d.kind {
                DriftKind::Missing => "missing",
                DriftKind::AmountMismatch => "amount mismatch",
                DriftKind::StatusMismatch => "status mismatch",
            };
            let values = match (&d.local, &d.killbill) {
                (None, None) => String::new(),
                (l, k) => format!(" (ours {}, Kill Bill {})", l.as_deref().unwrap_or("-"), k.as_deref().unwrap_or("-")),
            };
            let values = match d.amounts {
                Some(x) => {
                    let by = Money::from_parts(x.difference_minor, &a.currency);
                    let by = by.map_or_else(|_| x.difference_minor.to_string(), |m| m.decimal());
                    format!("{values}, difference {by}")
                }
                None => values,
            };
            let _ = writeln!(out, "    {kind}: {}{values}", d.detail);
        }
    }
    out
}
