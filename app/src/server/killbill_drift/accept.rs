//! Accepting Kill Bill's figure: when Kill Bill's copy of an invoice is lower
//! than ours because it was adjusted there (in Kaui, say), our ledger records
//! the difference as a credit note against our invoice, spread over the lines
//! Kill Bill's adjustments took it from. The note is mapped to Kill Bill's own
//! adjustment in the same transaction, so the mirror knows it is there and
//! never sends it. Only adjustments made in Kill Bill and not accepted before
//! count, and they must make up the whole difference.

use chrono::{Datelike, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::check::{Checked, check, refresh, repeat_of};
use super::plan::{self, Accepted};
use super::{Action, follow_up, money, resolved};
use crate::model::AppError;
use crate::model::killbill_drift::{CreditNoteRef, DriftResolved, DriftSeen};
use crate::server::adapters::killbill::KillBillClient;
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::credit_note::{dated, number};
use crate::server::store::audit_log::{self, AuditEntry};
use crate::server::store::credit_note::{self as notes, NewCreditNote};
use crate::server::store::killbill_drift_resolution::{self as resolution, NewResolution};
use crate::server::store::killbill_reconciliation::invoice_drift;
use crate::server::store::payment::paid_on_invoice;

/// Accepts Kill Bill's figure for invoice `invoice_id` into our ledger.
pub async fn accept<C: KillBillClient>(
    pool: &PgPool,
    client: &C,
    user: &AuthUser,
    invoice_id: Uuid,
    seen: Option<DriftSeen>,
) -> Result<DriftResolved, AppError> {
    user.require_admin()?;
    let invoice = resolution::drift_invoice(pool, invoice_id).await?.ok_or(AppError::NotFound)?;
    if resolution::find_open(pool, invoice_id).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "invoice {}: a re-assert of ours is under way; press Re-assert to finish it first",
            invoice.number
        )));
    }
    if let Some(done) = repeat_of(&mut *pool.acquire().await?, &invoice, Action::Accept, seen).await? {
        return Ok(done);
    }
    let checked = check(pool, client, invoice, seen, Action::Accept).await?;
    let answer = record(pool, user, &checked, seen).await?;
    if !answer.repeated {
        refresh(pool, client, checked.invoice.tenant_id).await;
        follow_up(pool, user).await;
    }
    Ok(answer)
}

/// Kill Bill's adjustments of the invoice not accepted before, when they make
/// up the whole difference between our figure and Kill Bill's.
async fn adjustments_to_accept(tx: &mut sqlx::PgConnection, checked: &Checked) -> Result<Accepted, AppError> {
    let n = &checked.invoice.number;
    let currency = &checked.invoice.currency;
    let already = resolution::accepted_adjustments(&mut *tx, checked.invoice.id).await?;
    let lower_by = checked.seen.local_minor - checked.seen.killbill_minor;
    match plan::accepted(&checked.kb, checked.invoice.id, &already, checked.exponent, &checked.lines) {
        Ok(found) if found.total == lower_by => Ok(found),
        Err(why) => Err(AppError::Unprocessable(format!("invoice {n}: {why}"))),
        Ok(found) => Err(AppError::Unprocessable(format!(
            "invoice {n}: Kill Bill's copy is {} lower, but the adjustments made there and not in our ledger add up \
             to {}: the difference does not come from Kill Bill's adjustments alone, so it cannot be recorded as one \
             credit note; re-assert ours, or look at the invoice in Kaui",
            money(lower_by, currency),
            money(found.total, currency)
        ))),
    }
}

/// Finds the adjustments that make up the difference and writes the note,
/// its mapping to Kill Bill's adjustment, the resolution and the audit
/// entries in one transaction, under the invoice's lock: a second request
/// waits, then finds the first one's work and answers with it (which
/// adjustments are already accepted is read under the lock, so the second
/// one never counts the first one's adjustment as missing).
async fn record(
    pool: &PgPool,
    user: &AuthUser,
    checked: &Checked,
    seen: Option<DriftSeen>,
) -> Result<DriftResolved, AppError> {
    let mut tx = pool.begin().await?;
    let invoice = resolution::lock_drift_invoice(&mut tx, checked.invoice.id).await?.ok_or(AppError::NotFound)?;
    if let Some(done) = repeat_of(&mut tx, &invoice, Action::Accept, seen).await? {
        return Ok(done);
    }
    let n = &invoice.number;
    if resolution::find_open(&mut *tx, invoice.id).await?.is_some() {
        return Err(AppError::Conflict(format!("invoice {n}: a re-assert of ours is under way; finish it first")));
    }
    let figures = |d: &invoice_drift::InvoiceDriftRow| (d.kind.clone(), d.local_minor, d.killbill_minor);
    let still = invoice_drift::find(&mut *tx, invoice.id).await?;
    if invoice != checked.invoice || still.as_ref().map(figures) != Some(figures(&checked.drift)) {
        return Err(AppError::Conflict(format!("invoice {n} changed meanwhile: look again before acting")));
    }
    let found = adjustments_to_accept(&mut tx, checked).await?;
    let paid = paid_on_invoice(&mut *tx, invoice.id).await?;
    let due = invoice.total_minor - invoice.credited_minor - paid;
    if found.total > due {
        return Err(AppError::Unprocessable(format!(
            "invoice {n}: only {} is still due here ({} paid), less than the {} Kill Bill took off; refund the \
             payment here first",
            money(due.max(0), &invoice.currency),
            money(paid, &invoice.currency),
            money(found.total, &invoice.currency)
        )));
    }
    let kb_id = checked.kb_id().to_string();
    let ids: Vec<String> = found.adjustments.iter().map(Uuid::to_string).collect();
    let today = Utc::now().date_naive();
    let mut reason = format!(
        "Accepted from Kill Bill: its copy {kb_id} of invoice {n} was adjusted there by {} (adjustment {})",
        money(found.total, &invoice.currency),
        ids.join(", ")
    );
    if reason.chars().count() > 500 {
        reason = reason.chars().take(499).chain(['…']).collect();
    }
    let note = NewCreditNote {
        id: Uuid::new_v4(),
        number: number(today.year(), notes::take_number(&mut tx, today.year()).await?),
        invoice_id: invoice.id,
        tenant_id: invoice.tenant_id,
        amount_minor: found.total,
        currency: invoice.currency.clone(),
        issued_on: dated(today, invoice.issued_on),
        reason,
        parts: found.parts.clone(),
    };
    let credited = notes::insert(&mut tx, &note).await?;
    resolution::map_accepted_note(&mut tx, note.id, &ids[0]).await?;
    let by = Actor::of(user);
    let done = format!(
        "Recorded credit note {} of {} on invoice {n}: Kill Bill's own adjustment, mapped to it and never sent \
         again. Ours is now {}, as Kill Bill's.",
        note.number,
        money(found.total, &invoice.currency),
        money(checked.seen.killbill_minor, &invoice.currency)
    );
    let new = NewResolution {
        id: Uuid::new_v4(),
        invoice_id: invoice.id,
        tenant_id: invoice.tenant_id,
        action: Action::Accept.as_str(),
        stage: "recorded",
        currency: &invoice.currency,
        local_minor: checked.seen.local_minor,
        killbill_minor: checked.seen.killbill_minor,
        plan: serde_json::json!({ "killbill_invoice_id": kb_id, "adjustments": ids, "parts": found.parts }),
        actor_id: Some(user.user_id),
        actor: &by.name,
    };
    resolution::insert_done(&mut tx, &new, note.id, &kb_id, &done).await?;
    let note_after = serde_json::json!({
        "number": note.number, "invoice_id": invoice.id, "invoice": n, "amount_minor": note.amount_minor,
        "currency": note.currency, "reason": note.reason, "parts": note.parts, "invoice_credited_minor": credited,
        "killbill_adjustments": ids,
    });
    let entry = AuditEntry { after: Some(note_after), ..by.did("invoice.credit", "credit_note", note.id) };
    audit_log::record(&mut *tx, &entry).await?;
    let before = serde_json::json!({
        "ours_minor": checked.seen.local_minor, "killbill_minor": checked.seen.killbill_minor,
        "difference_minor": checked.drift.difference_minor, "killbill_invoice_id": kb_id,
    });
    let after = serde_json::json!({
        "ours_minor": checked.seen.killbill_minor, "killbill_minor": checked.seen.killbill_minor,
        "credit_note": { "id": note.id, "number": note.number, "amount_minor": note.amount_minor },
        "killbill_adjustments": ids, "resolution": new.id,
    });
    let entry = AuditEntry {
        before: Some(before),
        after: Some(after),
        ..by.did("killbill.drift.accept", "invoice", invoice.id)
    };
    audit_log::record(&mut *tx, &entry).await?;
    invoice_drift::forget(&mut *tx, invoice.id).await?;
    let stored = resolution::latest_done(&mut *tx, invoice.id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    tracing::info!(invoice = %invoice.id, credit_note = %note.id, amount_minor = found.total, "Kill Bill figure accepted");
    let note_ref = CreditNoteRef { id: note.id, number: note.number, amount_minor: note.amount_minor };
    Ok(resolved(&stored, n, Some(note_ref), false))
}
