//! Kill Bill drift and the admin's two ways out of it. What Kill Bill
//! changes on its side (an invoice adjusted in Kaui, say) is recorded per
//! invoice with both figures and the exact difference, by the reconciliation
//! and by the re-read after a push notification; it is never overwritten
//! silently. An admin either accepts Kill Bill's figure into our ledger
//! ([`accept`]: a credit note recording Kill Bill's own adjustment, mapped to
//! it so the mirror never sends it) or re-asserts ours ([`reassert`]: Kill
//! Bill is sent what makes its figure ours again, crash-safe and once).
//!
//! Both are for admins, audited, answer a repeated request (a double click)
//! with what was done without doing it again, and refuse with 409 an action
//! whose drift is gone or whose figures changed since they were seen, and
//! with 422 one that cannot apply to that drift (the reason says why).

mod accept;
mod check;
mod markers;
mod plan;
mod reassert;
mod send;

pub use accept::accept;
pub use reassert::reassert;

use sqlx::PgPool;

use crate::domain::{Job, Money};
use crate::model::AppError;
use crate::model::killbill_drift::{CreditNoteRef, DriftResolved, DriftSeen, InvoiceDrift, Way};
use crate::server::adapters::killbill::HttpKillBillClient;
use crate::server::auth::AuthUser;
use crate::server::store::killbill_drift_resolution::Resolution;
use crate::server::store::killbill_reconciliation::invoice_drift::{self, InvoiceDriftRow, ListedDrift};
use crate::server::store::sync_request::{self, Requester};

/// Drifting invoices listed at most.
const LISTED: i64 = 200;

/// A way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Accept,
    Reassert,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reassert => "reassert",
        }
    }
}

/// Every drifting invoice, with what each way out would do or why it cannot.
pub async fn list(pool: &PgPool, user: &AuthUser) -> Result<Vec<InvoiceDrift>, AppError> {
    user.require_admin()?;
    let rows = invoice_drift::list(pool, LISTED).await?;
    Ok(rows.into_iter().map(listed).collect())
}

fn listed(l: ListedDrift) -> InvoiceDrift {
    let (accept, reassert) = ways(&l);
    let r = l.row;
    InvoiceDrift {
        invoice_id: r.invoice_id,
        invoice_number: l.invoice_number,
        tenant_id: r.tenant_id,
        tenant_name: l.tenant_name,
        killbill_invoice_id: r.killbill_invoice_id,
        kind: r.kind,
        currency: r.currency,
        local_minor: r.local_minor,
        killbill_minor: r.killbill_minor,
        difference_minor: r.difference_minor,
        local_status: r.local_status,
        killbill_status: r.killbill_status,
        detail: r.detail,
        found_by: r.found_by,
        first_seen_at: r.first_seen_at,
        checked_at: r.checked_at,
        accept,
        reassert,
    }
}

/// What each way out would do for a listed drift, or why it is not offered.
fn ways(l: &ListedDrift) -> (Way, Way) {
    let not = |says: String| Way { offered: false, says };
    if let Some(stage) = &l.open_stage {
        let says = format!("A re-assert is under way ({stage}); press Re-assert to finish it.");
        return (not(says.clone()), Way { offered: true, says });
    }
    if let Some(why) = waiting_for_mirror(&l.unsent_notes) {
        return (not(why.clone()), not(why));
    }
    let way = |action| match refusal(&l.row, action) {
        Some(why) => not(why),
        None => Way { offered: true, says: offer(&l.row, action) },
    };
    (way(Action::Accept), way(Action::Reassert))
}

/// Why a drift is not one to act on yet: our own credit notes on the way to Kill Bill.
fn waiting_for_mirror(unsent: &[String]) -> Option<String> {
    (!unsent.is_empty()).then(|| {
        format!(
            "Credit note {} is not in Kill Bill yet, so the difference is ours on its way: the next mirror run \
             sends it (or see what Kill Bill refused).",
            unsent.join(", ")
        )
    })
}

/// An amount in words, in the drift's currency.
fn money(minor: i64, currency: &str) -> String {
    Money::from_parts(minor, currency).map_or_else(|_| format!("{minor} {currency}"), |m| m.to_string())
}

/// Why `action` cannot apply to this drift (a 422), or `None` when it can.
fn refusal(row: &InvoiceDriftRow, action: Action) -> Option<String> {
    match (row.kind.as_str(), row.difference_minor, action) {
        ("amount_mismatch", Some(d), Action::Accept) if d > 0 => Some(format!(
            "Kill Bill's figure is {} higher: accepting it would raise an issued invoice, which our books never \
             do. If the charge is right, invoice it here (the mirror sends it); otherwise re-assert ours.",
            money(d, &row.currency)
        )),
        ("amount_mismatch", Some(d), _) if d != 0 => None,
        ("status_mismatch", _, _) => Some(format!(
            "The states differ (ours {}, Kill Bill's {}), not the amounts: {}",
            row.local_status.as_deref().unwrap_or("-"),
            row.killbill_status.as_deref().unwrap_or("-"),
            match (row.local_status.as_deref(), row.killbill_status.as_deref()) {
                (Some("VOID"), _) => "the mirror voids Kill Bill's copy (see what Kill Bill refused if it cannot).",
                (_, Some("VOID")) => {
                    "Kill Bill voided its copy and cannot undo that; to accept it, void the invoice here while \
                     nothing is paid on it."
                }
                _ => "the mirror commits Kill Bill's copy on its next run.",
            }
        )),
        ("missing", _, _) => {
            Some("Kill Bill has no copy of the invoice: the mirror sends it (see what Kill Bill refused).".into())
        }
        _ => Some("No amount differs: there is nothing to accept or re-assert.".into()),
    }
}

/// What `action` does for a drift it applies to, in the panel's words.
fn offer(row: &InvoiceDriftRow, action: Action) -> String {
    let d = row.difference_minor.unwrap_or(0);
    let by = money(d.abs(), &row.currency);
    let ours = money(row.local_minor.unwrap_or(0), &row.currency);
    match (action, d < 0) {
        (Action::Accept, _) => format!(
            "Record a credit note of {by} on the invoice: Kill Bill's own adjustment, recorded as already there \
             (never sent again)."
        ),
        (Action::Reassert, true) => format!(
            "Void Kill Bill's copy and issue the invoice again there with our lines ({ours}); refused while \
             Kill Bill holds a payment on it."
        ),
        (Action::Reassert, false) => format!("Adjust Kill Bill's copy down by {by}, line by line, to our {ours}."),
    }
}

/// The answer for a finished resolution.
fn resolved(r: &Resolution, invoice_number: &str, credit_note: Option<CreditNoteRef>, repeated: bool) -> DriftResolved {
    let agreed = if r.action == "accept" { r.killbill_minor } else { r.local_minor };
    DriftResolved {
        id: r.id,
        action: r.action.clone(),
        invoice_id: r.invoice_id,
        invoice_number: invoice_number.to_owned(),
        currency: r.currency.clone(),
        before: DriftSeen { local_minor: r.local_minor, killbill_minor: r.killbill_minor },
        after: DriftSeen { local_minor: agreed, killbill_minor: agreed },
        credit_note,
        killbill_invoice_id: r.killbill_invoice_id.clone(),
        done: r.outcome.clone().unwrap_or_default(),
        by: r.actor.clone(),
        at: r.finished_at.unwrap_or(r.created_at),
        repeated,
    }
}

/// Asks for a whole reconciliation after an action, so the report's totals
/// follow (the account's own entry is refreshed at once).
async fn follow_up(pool: &PgPool, user: &AuthUser) {
    if let Err(err) = sync_request::enqueue(pool, Job::KillbillReconciliation, Requester::Admin(user.user_id)).await {
        tracing::warn!(error = %err, "could not ask for a Kill Bill reconciliation after a drift action");
    }
}

/// The Kill Bill client of the running server, or why there is none.
pub fn client_of(state: &crate::server::state::AppState) -> Result<&HttpKillBillClient, AppError> {
    state
        .integrations
        .killbill()
        .ok_or_else(|| AppError::Conflict("Kill Bill is not configured, so there is no drift to act on".into()))
}
