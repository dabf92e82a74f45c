//! Mirrors one credit note as item adjustments of the mirrored invoice
//! (`POST …/invoices/{invoiceId}`, one `ITEM_ADJ` per part, each on the item
//! of the line it takes back), so Kill Bill's invoice amount and balance drop
//! by the note exactly as what is due here does. Kill Bill has no idempotency
//! key on this call: every part's adjustment carries a marker in
//! `itemDetails` (the note's id and the line), and each attempt first reads
//! the invoice and sends only the parts whose adjustment is not there. A
//! `killbill_pending` row is saved before the first request, so a note whose
//! answer was lost is never sent blindly. `external_ref` maps the note to
//! the adjustment of its first part.

use uuid::Uuid;

use super::Env;
use super::retry::StepError;
use crate::domain::{Currency, Platform};
use crate::server::adapters::killbill::wire::{Amount, Invoice, NewItemAdjustment, credit_note_details};
use crate::server::adapters::killbill::{KillBillClient, KillBillError};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, CreditNotePartToMirror, CreditNoteToMirror};

const ENTITY: &str = "credit_note";

/// Adjusts the invoice's items in Kill Bill by the note's parts not there
/// yet, then maps the note.
pub async fn mirror_credit_note<C: KillBillClient>(
    env: &Env<'_, C>,
    account_id: Uuid,
    note: &CreditNoteToMirror,
    parts: &[CreditNotePartToMirror],
) -> Result<(), StepError> {
    let kb_id = Uuid::parse_str(&note.invoice_ref)
        .map_err(|_| KillBillError::Unexpected(format!("stored invoice id `{}` is not a UUID", note.invoice_ref)))?;
    let Some(first) = parts.first() else {
        return Err(KillBillError::Unexpected(format!("credit note {} has no parts", note.number)).into());
    };
    // Always read first: whatever an earlier attempt sent is found by its marker.
    let invoice = read_invoice(env, kb_id, note).await?;
    let mut found = 0;
    let mut sent = 0;
    for part in parts {
        if invoice.adjustment_of(note.id, part.line_position).is_some() {
            found += 1;
            continue;
        }
        let Some(item_id) = invoice.item_of_line(note.invoice_id, part.line_position) else {
            let message = format!(
                "Kill Bill invoice {kb_id} has no item for line {} of {}",
                part.line_position, note.invoice_number
            );
            return Err(refused_or_partial(env, note.id, found + sent, KillBillError::Unexpected(message)).await?);
        };
        let body = adjustment(account_id, note, part, item_id)?;
        mirror::save_pending(env.pool, ENTITY, note.id, "sent", Some(&kb_id.to_string())).await?;
        match env.client.adjust_invoice_item(kb_id, &body).await {
            Ok(()) => sent += 1,
            Err(err) if !err.is_retryable() => {
                return Err(refused_or_partial(env, note.id, found + sent, err).await?);
            }
            // Maybe processed: the pending row stays, and the retry reads first.
            Err(err) => return Err(err.into()),
        }
    }
    let invoice = if sent > 0 { read_invoice(env, kb_id, note).await? } else { invoice };
    let first_adjustment = invoice.adjustment_of(note.id, first.line_position).ok_or_else(|| {
        KillBillError::Unexpected(format!(
            "the adjustments of credit note {} were accepted but invoice {kb_id} does not show them",
            note.number
        ))
    })?;
    link(env, note.id, first_adjustment).await
}

/// The adjustment of Kill Bill's item `item_id` by one part of the note,
/// with the part's marker.
pub fn adjustment(
    account_id: Uuid,
    note: &CreditNoteToMirror,
    part: &CreditNotePartToMirror,
    item_id: Uuid,
) -> Result<NewItemAdjustment, StepError> {
    let currency = Currency::parse(&note.currency).map_err(KillBillError::Unexpected)?;
    Ok(NewItemAdjustment {
        account_id,
        invoice_item_id: item_id,
        amount: Amount::from_minor(part.amount_minor, currency.exponent()),
        currency: currency.as_str().to_owned(),
        description: format!("Credit note {} on invoice {}", note.number, note.invoice_number),
        item_details: credit_note_details(note.id, part.line_position),
    })
}

/// Kill Bill's invoice with its items; a 404 is a refusal (quarantined).
async fn read_invoice<C: KillBillClient>(
    env: &Env<'_, C>,
    kb_id: Uuid,
    note: &CreditNoteToMirror,
) -> Result<Invoice, StepError> {
    match env.client.invoice(kb_id).await? {
        Some(invoice) => Ok(invoice),
        None => {
            let message = format!("invoice {} ({kb_id}) is no longer in Kill Bill", note.invoice_number);
            Err(KillBillError::Refused { status: 404, code: None, message }.into())
        }
    }
}

/// The error of a part Kill Bill refused for good. The pending row is
/// forgotten only when Kill Bill certainly holds nothing of the note (no
/// part found, none accepted): otherwise it stays, saying the note is half
/// there, and the retry reads the invoice first anyway.
async fn refused_or_partial<C: KillBillClient>(
    env: &Env<'_, C>,
    note_id: Uuid,
    parts_in_kill_bill: usize,
    err: KillBillError,
) -> Result<StepError, StepError> {
    if parts_in_kill_bill == 0 {
        mirror::delete_pending(env.pool, ENTITY, note_id).await?;
    }
    Ok(err.into())
}

async fn link<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid, item: Uuid) -> Result<(), StepError> {
    let outcome = link_external_id(env.pool, Platform::KillBill, ENTITY, local_id, &item.to_string()).await?;
    mirror::delete_pending(env.pool, ENTITY, local_id).await?;
    if outcome == LinkOutcome::Conflict {
        return Err(KillBillError::Unexpected(format!("adjustment item {item} is mapped twice")).into());
    }
    Ok(())
}
