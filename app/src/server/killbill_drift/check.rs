//! What both ways out check first: the invoice's drift is still recorded
//! with the figures the caller saw, it is one the action applies to, none of
//! our own corrections is still on its way to Kill Bill, and Kill Bill's copy
//! read now still shows the recorded figure. Also: a repeat of a request
//! already carried out, and the re-read that refreshes the record after an
//! action (or when Kill Bill's figure moved).

use sqlx::PgPool;
use uuid::Uuid;

use super::plan::OurLine;
use super::{Action, money, refusal, resolved, waiting_for_mirror};
use crate::domain::{Currency, Platform};
use crate::model::AppError;
use crate::model::killbill_drift::{CreditNoteRef, DriftResolved, DriftSeen};
use crate::server::adapters::killbill::wire::{Invoice, minor_units};
use crate::server::adapters::killbill::{KillBillClient, KillBillError};
use crate::server::jobs::killbill::{RetryPolicy, reconcile};
use crate::server::store::external_ref::find_external_id;
use crate::server::store::killbill_drift_resolution::{self as resolution, DriftInvoice};
use crate::server::store::killbill_reconciliation::invoice_drift::{self, InvoiceDriftRow};
use crate::server::store::killbill_reconciliation::{self as reconciliation};
use crate::server::store::{credit_note, killbill_mirror};

/// An invoice, its recorded drift and Kill Bill's copy as read now, checked.
pub(super) struct Checked {
    pub invoice: DriftInvoice,
    pub drift: InvoiceDriftRow,
    /// Kill Bill's account of the tenant.
    pub account_id: Uuid,
    /// Kill Bill's copy, as read now.
    pub kb: Invoice,
    /// Our figure (total net of credit notes) and Kill Bill's, as recorded and read.
    pub seen: DriftSeen,
    pub exponent: u32,
    pub lines: Vec<OurLine>,
}

impl Checked {
    /// Kill Bill's id of its copy.
    pub fn kb_id(&self) -> Uuid {
        self.kb.invoice_id
    }
}

/// Runs every check of `action` on the invoice; reads Kill Bill's copy once.
pub(super) async fn check<C: KillBillClient>(
    pool: &PgPool,
    client: &C,
    invoice: DriftInvoice,
    seen: Option<DriftSeen>,
    action: Action,
) -> Result<Checked, AppError> {
    let n = invoice.number.clone();
    let drift = invoice_drift::find(pool, invoice.id).await?.ok_or_else(|| {
        AppError::Conflict(format!(
            "invoice {n}: no drift from Kill Bill is recorded any more (it agrees, or it was resolved)"
        ))
    })?;
    let recorded = DriftSeen {
        local_minor: drift.local_minor.unwrap_or_default(),
        killbill_minor: drift.killbill_minor.unwrap_or_default(),
    };
    if let Some(why) = refusal(&drift, action) {
        return Err(AppError::Unprocessable(format!("invoice {n}: {why}")));
    }
    if let Some(seen) = seen.filter(|s| *s != recorded) {
        return Err(AppError::Conflict(format!(
            "invoice {n}: the drift changed since you saw it (you saw ours {} and Kill Bill's {}; it is now ours \
             {} and Kill Bill's {}): look again before acting",
            money(seen.local_minor, &drift.currency),
            money(seen.killbill_minor, &drift.currency),
            money(recorded.local_minor, &drift.currency),
            money(recorded.killbill_minor, &drift.currency)
        )));
    }
    if let Some(why) = waiting_for_mirror(&resolution::unsent_credit_notes(pool, invoice.id).await?) {
        return Err(AppError::Conflict(format!("invoice {n}: {why}")));
    }
    let exponent = Currency::parse(&invoice.currency).map(|c| c.exponent()).map_err(AppError::Internal)?;
    let kb_ref = find_external_id(pool, Platform::KillBill, "invoice", invoice.id).await?;
    let account_ref = find_external_id(pool, Platform::KillBill, "account", invoice.tenant_id).await?;
    let (Some(kb_id), Some(account_id)) = (parse(kb_ref), parse(account_ref)) else {
        return Err(AppError::Conflict(format!("invoice {n} is not mapped to Kill Bill: the mirror sends it first")));
    };
    let kb = client.invoice(kb_id).await.map_err(upstream)?.ok_or_else(|| {
        AppError::Conflict(format!(
            "invoice {n}: Kill Bill no longer has its copy {kb_id}; the next reconciliation says"
        ))
    })?;
    let theirs = kb.amount.as_ref().and_then(|a| minor_units(a, exponent)).unwrap_or_default();
    let ours = invoice.total_minor - invoice.credited_minor;
    let status = kb.status.clone().unwrap_or_default();
    if status != "COMMITTED" || theirs != recorded.killbill_minor || ours != recorded.local_minor || invoice.voided {
        refresh(pool, client, invoice.tenant_id).await;
        return Err(AppError::Conflict(format!(
            "invoice {n}: the figures changed since the drift was recorded (ours {} then, {} now; Kill Bill's {} \
             then, {} {status} now); the record is refreshed: look again",
            money(recorded.local_minor, &drift.currency),
            money(ours, &drift.currency),
            money(recorded.killbill_minor, &drift.currency),
            money(theirs, &drift.currency)
        )));
    }
    let lines = our_lines(pool, invoice.id).await?;
    Ok(Checked { invoice, drift, account_id, kb, seen: recorded, exponent, lines })
}

fn parse(id: Option<String>) -> Option<Uuid> {
    id.and_then(|s| Uuid::parse_str(&s).ok())
}

/// Our invoice's lines, each with what credit notes took back of it.
async fn our_lines(pool: &PgPool, invoice_id: Uuid) -> Result<Vec<OurLine>, sqlx::Error> {
    let described = killbill_mirror::list_lines_of_invoices(pool, &[invoice_id]).await?;
    let mut conn = pool.acquire().await?;
    let left = credit_note::lines_left(&mut conn, invoice_id).await?;
    Ok(described
        .into_iter()
        .map(|l| OurLine {
            position: l.position,
            credited_minor: left.iter().find(|x| x.position == l.position).map_or(0, |x| x.credited_minor),
            description: l.description,
            amount_minor: l.amount_minor,
        })
        .collect())
}

/// The answer to a repeat of a request already carried out (a double click,
/// or a client sending again): the latest finished resolution of the invoice
/// is this action on the figures seen (or, none given, on a drift no longer
/// recorded), and no drift found after it is recorded.
pub(super) async fn repeat_of(
    db: &mut sqlx::PgConnection,
    invoice: &DriftInvoice,
    action: Action,
    seen: Option<DriftSeen>,
) -> Result<Option<DriftResolved>, AppError> {
    let Some(done) = resolution::latest_done(&mut *db, invoice.id).await? else { return Ok(None) };
    let drift = invoice_drift::find(&mut *db, invoice.id).await?;
    let figures = DriftSeen { local_minor: done.local_minor, killbill_minor: done.killbill_minor };
    let newer = drift.as_ref().is_some_and(|d| done.finished_at.is_none_or(|at| d.first_seen_at > at));
    let same = match seen {
        Some(seen) => seen == figures,
        None => drift.is_none(),
    };
    if done.action != action.as_str() || newer || !same {
        return Ok(None);
    }
    let note = match done.credit_note_id {
        Some(id) => credit_note::of_invoices(&mut *db, &[invoice.id])
            .await?
            .into_iter()
            .find(|n| n.id == id)
            .map(|n| CreditNoteRef { id: n.id, number: n.number, amount_minor: n.amount_minor }),
        None => None,
    };
    Ok(Some(resolved(&done, &invoice.number, note, true)))
}

/// Re-reads the tenant's Kill Bill account and refreshes its drift record
/// and its entry in the latest report (as a push notification does). Best
/// effort: a failure is logged, and the next reconciliation catches up.
pub(super) async fn refresh<C: KillBillClient>(pool: &PgPool, client: &C, tenant_id: Uuid) {
    let retry = RetryPolicy { attempts: 2, ..RetryPolicy::default() };
    let result = async {
        let Some(local) = reconciliation::list_local_accounts(pool, Some(tenant_id)).await?.pop() else {
            return Ok(());
        };
        let remote = reconcile::fetch_account(client, &local, retry).await?;
        let report = reconcile::compare(&local, remote.as_ref());
        reconciliation::refresh_account(pool, &report).await?;
        anyhow::Ok(())
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(tenant = %tenant_id, error = %format!("{err:#}"), "could not refresh the Kill Bill drift");
    }
}

/// A Kill Bill failure as the admin sees it.
pub(super) fn upstream(err: KillBillError) -> AppError {
    if err.is_retryable() {
        AppError::Upstream(format!("Kill Bill did not answer ({err}); nothing is lost: press again"))
    } else {
        AppError::Upstream(format!("Kill Bill could not be read: {err}"))
    }
}
