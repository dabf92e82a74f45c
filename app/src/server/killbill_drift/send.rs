//! Carrying out a recorded re-assert plan (see [`super::reassert`]): each
//! step reads Kill Bill first and sends only what its marker says is not
//! there, records its stage before the next request, and the end (Kill Bill
//! shows it all) is written with the audit entry in one transaction.

use sqlx::PgPool;
use uuid::Uuid;

use super::check::upstream;
use super::markers::{adjustment_details, adjustment_sent, reissue_details, reissued};
use super::plan::{Plan, PlannedLine, PlannedPart};
use super::{money, resolved};
use crate::domain::Currency;
use crate::model::AppError;
use crate::model::killbill_drift::DriftResolved;
use crate::server::adapters::killbill::wire::{Amount, NewInvoiceItem, NewItemAdjustment};
use crate::server::adapters::killbill::{KillBillClient, KillBillError};
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::error::internal;
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::killbill_drift_resolution::{self as resolution, DriftInvoice, Resolution};
use crate::server::store::killbill_reconciliation::invoice_drift;

/// Sends what is left of an open re-assert, then records it done and audited.
pub(super) async fn finish<C: KillBillClient>(
    pool: &PgPool,
    client: &C,
    user: &AuthUser,
    invoice: &DriftInvoice,
    open: Resolution,
) -> Result<DriftResolved, AppError> {
    let plan: Plan = serde_json::from_value(open.plan.clone()).map_err(internal)?;
    let currency = Currency::parse(&open.currency).map_err(AppError::Internal)?;
    let (kb_id, stage, done) = match &plan {
        Plan::Reissue { account_id, void, requested_date, period, lines } => {
            let step =
                Reissue { account_id: *account_id, void: *void, requested_date: *requested_date, period: *period };
            let id = step.send(pool, client, &open, invoice, lines, currency).await?;
            let done = format!(
                "Voided Kill Bill's copy {void} of invoice {} and issued it again there as {id} with our lines: \
                 Kill Bill's figure is ours again, {}.",
                invoice.number,
                money(open.local_minor, &open.currency)
            );
            (id, "reissued", done)
        }
        Plan::AdjustDown { account_id, invoice: kb, parts } => {
            adjust_down(pool, client, &open, invoice, *account_id, *kb, parts, currency).await?;
            let done = format!(
                "Adjusted Kill Bill's copy {kb} of invoice {} down by {} ({} line{}): Kill Bill's figure is ours \
                 again, {}.",
                invoice.number,
                money(open.killbill_minor - open.local_minor, &open.currency),
                parts.len(),
                if parts.len() == 1 { "" } else { "s" },
                money(open.local_minor, &open.currency)
            );
            (*kb, "adjusted", done)
        }
    };
    record(pool, user, invoice, &open, &plan, kb_id, stage, &done).await
}

/// Writes the end of a re-assert: the mapping (after a re-issue), the
/// resolution done, the audit entry; the invoice's drift is forgotten.
#[expect(clippy::too_many_arguments, reason = "one transaction over what the re-assert did")]
async fn record(
    pool: &PgPool,
    user: &AuthUser,
    invoice: &DriftInvoice,
    open: &Resolution,
    plan: &Plan,
    kb_id: Uuid,
    stage: &str,
    done: &str,
) -> Result<DriftResolved, AppError> {
    let mut tx = pool.begin().await?;
    let before_id = match plan {
        Plan::Reissue { void, .. } => {
            resolution::remap_invoice(&mut *tx, invoice.id, &kb_id.to_string()).await?;
            *void
        }
        Plan::AdjustDown { invoice, .. } => *invoice,
    };
    resolution::finish(&mut *tx, open.id, stage, &kb_id.to_string(), done).await?;
    let by = Actor::of(user);
    let before = serde_json::json!({
        "ours_minor": open.local_minor, "killbill_minor": open.killbill_minor,
        "difference_minor": open.killbill_minor - open.local_minor, "killbill_invoice_id": before_id,
    });
    let after = serde_json::json!({
        "ours_minor": open.local_minor, "killbill_minor": open.local_minor, "killbill_invoice_id": kb_id,
        "sent": plan, "resolution": open.id, "started_by": open.actor, "started_at": open.created_at,
    });
    let entry = AuditEntry {
        before: Some(before),
        after: Some(after),
        ..by.did("killbill.drift.reassert", "invoice", invoice.id)
    };
    audit_log::record(&mut *tx, &entry).await?;
    invoice_drift::forget(&mut *tx, invoice.id).await?;
    let stored = resolution::latest_done(&mut *tx, invoice.id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    tracing::info!(invoice = %invoice.id, killbill_invoice = %kb_id, "our figure re-asserted in Kill Bill");
    Ok(resolved(&stored, &invoice.number, None, false))
}

/// A write Kill Bill did not take, as the admin sees it: the re-assert stays
/// open, and pressing again finishes it without sending anything twice.
fn unfinished(err: KillBillError) -> AppError {
    let why = if err.is_retryable() { "did not answer" } else { "refused a step" };
    AppError::Upstream(format!(
        "Kill Bill {why} ({err}); the re-assert is recorded and stays open: press Re-assert again to finish it \
         (nothing is sent twice)"
    ))
}

/// Kill Bill refused the very first write: nothing of the re-assert is
/// there, so it is forgotten and the refusal is the answer.
async fn refused_first(pool: &PgPool, open: &Resolution, err: KillBillError) -> Result<AppError, AppError> {
    resolution::abandon(pool, open.id).await?;
    Ok(AppError::Unprocessable(format!("Kill Bill refused the re-assert, so nothing was changed there: {err}")))
}

/// The void and re-issue of a lowered copy.
struct Reissue {
    account_id: Uuid,
    void: Uuid,
    requested_date: chrono::NaiveDate,
    period: (chrono::NaiveDate, chrono::NaiveDate),
}

impl Reissue {
    /// Voids the old copy unless it is void, then finds the new copy by its
    /// marker (or creates it as a DRAFT) and commits it; returns its id.
    async fn send<C: KillBillClient>(
        &self,
        pool: &PgPool,
        client: &C,
        open: &Resolution,
        invoice: &DriftInvoice,
        lines: &[PlannedLine],
        currency: Currency,
    ) -> Result<Uuid, AppError> {
        let old = client.invoice(self.void).await.map_err(upstream)?;
        if old.as_ref().and_then(|i| i.status.as_deref()) != Some("VOID") {
            match client.void_invoice(self.void).await {
                Ok(()) => {}
                Err(err) if !err.is_retryable() && open.stage == "planned" => {
                    return Err(refused_first(pool, open, err).await?);
                }
                Err(err) => return Err(unfinished(err)),
            }
        }
        resolution::set_stage(pool, open.id, "voided").await?;
        let invoices = client.account_invoices(self.account_id).await.map_err(upstream)?;
        let id = match reissued(&invoices, open.id) {
            Some(found) if found.status.as_deref() == Some("COMMITTED") => return Ok(found.invoice_id),
            Some(found) => found.invoice_id,
            None => {
                let items = self.items(open.id, invoice, lines, currency);
                client.create_draft_charges(self.account_id, self.requested_date, &items).await.map_err(unfinished)?
            }
        };
        resolution::set_stage(pool, open.id, "drafted").await?;
        client.commit_invoice(id).await.map_err(unfinished)?;
        Ok(id)
    }

    /// Our lines as external charges, each with the line's marker and the re-assert's.
    fn items(
        &self,
        resolution: Uuid,
        invoice: &DriftInvoice,
        lines: &[PlannedLine],
        c: Currency,
    ) -> Vec<NewInvoiceItem> {
        lines
            .iter()
            .map(|line| NewInvoiceItem {
                invoice_item_id: Uuid::new_v5(&resolution, &line.position.to_be_bytes()),
                account_id: self.account_id,
                amount: Amount::from_minor(line.amount_minor, c.exponent()),
                currency: c.as_str().to_owned(),
                description: format!("{} — {}", invoice.number, line.description),
                start_date: self.period.0,
                end_date: self.period.1,
                item_details: reissue_details(invoice.id, line.position, resolution),
            })
            .collect()
    }
}

/// Adjusts Kill Bill's higher copy down, one marked adjustment per part not there yet.
#[expect(clippy::too_many_arguments, reason = "the plan's fields, spelled out")]
async fn adjust_down<C: KillBillClient>(
    pool: &PgPool,
    client: &C,
    open: &Resolution,
    invoice: &DriftInvoice,
    account_id: Uuid,
    kb_id: Uuid,
    parts: &[PlannedPart],
    currency: Currency,
) -> Result<(), AppError> {
    let kb = client.invoice(kb_id).await.map_err(upstream)?.ok_or_else(|| {
        AppError::Upstream(format!("Kill Bill no longer has invoice {kb_id}; the re-assert stays open"))
    })?;
    let mut there = parts.iter().filter(|p| adjustment_sent(&kb, open.id, p.line).is_some()).count();
    for part in parts.iter().filter(|p| adjustment_sent(&kb, open.id, p.line).is_none()) {
        let body = NewItemAdjustment {
            account_id,
            invoice_item_id: part.item_id,
            amount: Amount::from_minor(part.amount_minor, currency.exponent()),
            currency: currency.as_str().to_owned(),
            description: format!("Re-asserted from the Marketplace: invoice {}", invoice.number),
            item_details: adjustment_details(open.id, part.line),
        };
        resolution::set_stage(pool, open.id, "adjusting").await?;
        match client.adjust_invoice_item(kb_id, &body).await {
            Ok(()) => there += 1,
            Err(err) if !err.is_retryable() && there == 0 => return Err(refused_first(pool, open, err).await?),
            Err(err) => return Err(unfinished(err)),
        }
    }
    let after = client.invoice(kb_id).await.map_err(upstream)?;
    let shown = after.is_some_and(|kb| parts.iter().all(|p| adjustment_sent(&kb, open.id, p.line).is_some()));
    if !shown {
        return Err(AppError::Upstream(format!(
            "Kill Bill took the adjustments of invoice {kb_id} but does not show them; the re-assert stays open"
        )));
    }
    Ok(())
}
