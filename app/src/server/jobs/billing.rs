//! The rent run (`billing`): one invoice per lease holding its unit during a
//! month, with its lines (the rent, then each recurring charge), pro-rated
//! for a lease that starts or ends inside the month.
//!
//! Leases are billed in batches of [`BATCH`], each in one transaction with
//! the year's invoice numbers it takes: a killed run leaves whole batches
//! behind and gives back the numbers of the one it was writing, so numbers
//! stay gapless; a second run for the month finds nothing to bill (the
//! `(lease_id, period_start)` key). Recorded as a run of the job and in the
//! audit log.

use anyhow::Context as _;
use chrono::Utc;
use std::collections::HashMap;
use uuid::Uuid;

use super::{SyncContext, SyncSummary};
use crate::domain::{BillingPeriod, Job, Money, prorate, rent_parts};
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::billing::{self as store, InvoiceBatch, LeaseCharge, LeaseToBill, LineBatch, RentChange};
use crate::server::store::sync_run::{self, RunCounts, RunOutcome};

/// Leases billed per transaction.
pub const BATCH: i64 = 1_000;

pub use crate::server::audit::Actor;

/// The scheduled run: the current month (UTC).
pub async fn run(ctx: &SyncContext, trigger: &str) -> anyhow::Result<SyncSummary> {
    let period = BillingPeriod::of(Utc::now().date_naive());
    let actor = Actor { user_id: None, name: trigger.to_owned() };
    run_period(ctx, period, trigger, &actor).await
}

/// Bills `period`; the summary counts the invoices created (`records_out`)
/// and the leases that already had theirs (`records_skipped`).
pub async fn run_period(
    ctx: &SyncContext,
    period: BillingPeriod,
    trigger: &str,
    actor: &Actor,
) -> anyhow::Result<SyncSummary> {
    let run_id = sync_run::start_run(&ctx.pool, Job::Billing, trigger).await.context("recording the run")?;
    let skipped = store::count_already_billed(&ctx.pool, period.start(), period.end()).await;
    let result = match skipped {
        Ok(skipped) => bill(ctx, period).await.map(|created| (created, skipped)),
        Err(err) => Err(anyhow::Error::new(err).context("counting the leases already billed")),
    };
    let (counts, outcome) = match &result {
        Ok((created, skipped)) => {
            let skipped = i32::try_from(*skipped).unwrap_or(i32::MAX);
            let counts = RunCounts {
                records_in: created + skipped,
                records_out: *created,
                records_failed: 0,
                records_skipped: skipped,
            };
            (counts, RunOutcome::Succeeded)
        }
        Err(err) => {
            let error = format!("The rent run for {period} stopped; the invoices written so far are whole");
            (RunCounts::default(), RunOutcome::Failed { error, detail: format!("{err:#}") })
        }
    };
    let mut conn = ctx.pool.acquire().await.context("recording the end of the run")?;
    sync_run::finish_run(&mut conn, run_id, counts, Some(&period.to_string()), &outcome, ctx.tick)
        .await
        .context("recording the end of the run")?;
    let after = serde_json::json!({
        "run_id": run_id, "created": counts.records_out, "skipped": counts.records_skipped,
        "succeeded": outcome == RunOutcome::Succeeded,
    });
    let entry = AuditEntry { after: Some(after), ..actor.did("billing.run", "billing_period", period) };
    audit_log::record(&mut *conn, &entry).await.context("recording the run in the audit log")?;
    if let RunOutcome::Failed { error, detail } = outcome {
        anyhow::bail!("{error} (run {run_id}): {detail}");
    }
    Ok(SyncSummary {
        run_id,
        records_in: counts.records_in,
        records_out: counts.records_out,
        records_failed: 0,
        records_skipped: counts.records_skipped,
    })
}

/// Writes the month's missing invoices batch by batch; returns how many.
async fn bill(ctx: &SyncContext, period: BillingPeriod) -> anyhow::Result<i32> {
    let issued_on = Utc::now().date_naive();
    let mut created = 0;
    let mut after = Uuid::nil();
    loop {
        let mut tx = ctx.pool.begin().await.context("opening a transaction")?;
        let leases = store::list_leases_to_bill(&mut *tx, period.start(), period.end(), after, BATCH)
            .await
            .context("reading the leases to bill")?;
        let Some(last) = leases.last() else { return Ok(created) };
        after = last.id;
        let ids: Vec<Uuid> = leases.iter().map(|l| l.id).collect();
        let charges = store::list_charges(&mut *tx, &ids).await.context("reading the recurring charges")?;
        let changes =
            store::list_rent_changes(&mut *tx, &ids, Some(period.end())).await.context("reading the rent changes")?;
        let count = i32::try_from(leases.len()).unwrap_or(i32::MAX);
        let first = store::take_invoice_numbers(&mut tx, period.year(), count).await.context("numbering")?;
        let (invoices, lines) = batch(period, issued_on, first, &leases, (&charges, &changes));
        store::insert_batch(&mut tx, period.start(), period.end(), &invoices, &lines)
            .await
            .context("writing the invoices")?;
        tx.commit().await.context("committing the invoices")?;
        created += count;
    }
}

/// The invoices and lines of one batch, numbered from `first`: for each
/// lease its rent (in parts when it changes inside the month), then each
/// recurring charge, pro-rated on the days the lease holds the unit.
fn batch(
    period: BillingPeriod,
    issued_on: chrono::NaiveDate,
    first: i32,
    leases: &[LeaseToBill],
    (charges, changes): (&[LeaseCharge], &[RentChange]),
) -> (InvoiceBatch, LineBatch) {
    let mut charges_of: HashMap<Uuid, Vec<&LeaseCharge>> = HashMap::new();
    for charge in charges {
        charges_of.entry(charge.lease_id).or_default().push(charge);
    }
    let mut changes_of: HashMap<Uuid, Vec<(chrono::NaiveDate, i64)>> = HashMap::new();
    for change in changes {
        changes_of.entry(change.lease_id).or_default().push((change.starts_on, change.rent_minor));
    }
    let mut invoices = InvoiceBatch::default();
    let mut lines = LineBatch::default();
    for (n, lease) in (first..).zip(leases) {
        let invoice_id = Uuid::new_v4();
        let (from, to) = period.occupied(lease.starts_on, lease.ends_on).unwrap_or((period.start(), period.end()));
        let days = (to - from).num_days() + 1;
        let span = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
            let days = (to - from).num_days() + 1;
            format!("{} to {}, {days} of {} days", from.format("%-d %b"), to.format("%-d %b"), period.days())
        };
        let part = if days < period.days() { format!(" ({})", span(from, to)) } else { String::new() };
        let rents =
            rent_parts(period, (from, to), lease.rent_minor, changes_of.get(&lease.id).map_or(&[], Vec::as_slice));
        let mut items: Vec<(String, i64)> = if let [whole] = rents.as_slice() {
            vec![(format!("Rent {period}{part}"), whole.amount_minor)]
        } else {
            let monthly =
                |minor: i64| Money::from_parts(minor, &lease.currency).map_or(minor.to_string(), |m| m.to_string());
            rents
                .iter()
                .map(|r| {
                    (
                        format!("Rent {period} ({}, at {} a month)", span(r.from, r.to), monthly(r.monthly_minor)),
                        r.amount_minor,
                    )
                })
                .collect()
        };
        for charge in charges_of.get(&lease.id).into_iter().flatten() {
            items.push((format!("{}{part}", charge.description), prorate(charge.amount_minor, days, period.days())));
        }
        let mut total = 0;
        for (position, (description, amount)) in (1..).zip(items) {
            total += amount;
            lines.ids.push(Uuid::new_v4());
            lines.invoice_ids.push(invoice_id);
            lines.positions.push(position);
            lines.descriptions.push(description);
            lines.amounts.push(amount);
        }
        invoices.ids.push(invoice_id);
        invoices.numbers.push(format!("{}-{n:06}", period.year()));
        invoices.lease_ids.push(lease.id);
        invoices.tenant_ids.push(lease.tenant_id);
        invoices.issued_on.push(issued_on);
        invoices.due_on.push(period.due_on(u32::try_from(lease.due_day).unwrap_or(1), lease.starts_on));
        invoices.currencies.push(lease.currency.clone());
        invoices.totals.push(total);
    }
    (invoices, lines)
}
