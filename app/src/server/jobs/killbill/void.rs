//! Mirrors the void of an invoice that was mirrored before it was voided
//! here (`PUT …/voidInvoice`). Crash-safe like the other writes: a
//! `killbill_pending` row is saved before the request, and when one is found
//! (an earlier attempt's result is unknown) Kill Bill's invoice is read
//! first: already VOID means done, and nothing is sent again.

use uuid::Uuid;

use super::Env;
use super::retry::StepError;
use crate::domain::Platform;
use crate::server::adapters::killbill::{KillBillClient, KillBillError};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, VoidToMirror};

const ENTITY: &str = "invoice_void";

/// Voids the invoice in Kill Bill once, then records that it is done.
pub async fn mirror_void<C: KillBillClient>(env: &Env<'_, C>, void: &VoidToMirror) -> Result<(), StepError> {
    let kb_id = Uuid::parse_str(&void.invoice_ref)
        .map_err(|_| KillBillError::Unexpected(format!("stored invoice id `{}` is not a UUID", void.invoice_ref)))?;
    if mirror::find_pending(env.pool, ENTITY, void.invoice_id).await?.is_some() {
        match env.client.invoice(kb_id).await? {
            Some(invoice) if invoice.status.as_deref() == Some("VOID") => {
                return link(env, void.invoice_id, kb_id).await;
            }
            Some(_) => {}
            None => {
                let message = format!("invoice {} ({kb_id}) is no longer in Kill Bill", void.number);
                return Err(KillBillError::Refused { status: 404, code: None, message }.into());
            }
        }
    }
    mirror::save_pending(env.pool, ENTITY, void.invoice_id, "sent", Some(&kb_id.to_string())).await?;
    match env.client.void_invoice(kb_id).await {
        Ok(()) => link(env, void.invoice_id, kb_id).await,
        Err(err) if !err.is_retryable() => {
            // Refused (paid in Kill Bill, say): nothing happened there.
            mirror::delete_pending(env.pool, ENTITY, void.invoice_id).await?;
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}

async fn link<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid, kb_id: Uuid) -> Result<(), StepError> {
    let outcome = link_external_id(env.pool, Platform::KillBill, ENTITY, local_id, &kb_id.to_string()).await?;
    mirror::delete_pending(env.pool, ENTITY, local_id).await?;
    if outcome == LinkOutcome::Conflict {
        return Err(KillBillError::Unexpected(format!("the void of Kill Bill invoice {kb_id} is mapped twice")).into());
    }
    Ok(())
}
