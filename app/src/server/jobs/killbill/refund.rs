//! Mirrors one refund as a refund of the external payment it gives back
//! (`POST …/invoicePayments/{paymentId}/refunds`, no invoice adjustment, so
//! Kill Bill's invoice balance rises by the refund as ours does). The
//! `transactionExternalKey` is derived from our refund id; whenever an
//! earlier send may have gone through (a `killbill_pending` row), the payment
//! is read and its transactions searched for that key before sending again.
//! Kill Bill's refund transaction id is what `external_ref` maps.

use uuid::Uuid;

use super::Env;
use super::retry::StepError;
use crate::domain::{Currency, Platform};
use crate::server::adapters::killbill::wire::{Amount, NewRefund, refund_transaction_key};
use crate::server::adapters::killbill::{KillBillClient, KillBillError};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, RefundToMirror};

const ENTITY: &str = "refund";

/// Refunds the payment in Kill Bill once, then maps the refund transaction.
pub async fn mirror_refund<C: KillBillClient>(env: &Env<'_, C>, refund: &RefundToMirror) -> Result<(), StepError> {
    let payment_id = Uuid::parse_str(&refund.payment_ref)
        .map_err(|_| KillBillError::Unexpected(format!("stored payment id `{}` is not a UUID", refund.payment_ref)))?;
    let key = refund_transaction_key(refund.id);
    if mirror::find_pending(env.pool, ENTITY, refund.id).await?.is_some()
        && let Some(done) = find_refund(env, payment_id, &key).await?
    {
        return link(env, refund.id, done).await;
    }
    let currency = Currency::parse(&refund.currency).map_err(KillBillError::Unexpected)?;
    let body = NewRefund {
        amount: Amount::from_minor(refund.amount_minor, currency.exponent()),
        currency: currency.as_str().to_owned(),
        transaction_external_key: key.clone(),
        is_adjusted: false,
    };
    mirror::save_pending(env.pool, ENTITY, refund.id, "sent", Some(&payment_id.to_string())).await?;
    match env.client.refund_payment(payment_id, &body).await {
        Ok(()) => {
            let done = find_refund(env, payment_id, &key).await?.ok_or_else(|| {
                KillBillError::Unexpected(format!(
                    "refund {key} was accepted but payment {payment_id} does not show it"
                ))
            })?;
            link(env, refund.id, done).await
        }
        Err(err) if !err.is_retryable() => {
            // Refused (more than is left to refund there, say): nothing happened.
            mirror::delete_pending(env.pool, ENTITY, refund.id).await?;
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}

/// Kill Bill's id of the successful refund keyed `key` on the payment.
async fn find_refund<C: KillBillClient>(
    env: &Env<'_, C>,
    payment_id: Uuid,
    key: &str,
) -> Result<Option<Uuid>, StepError> {
    match env.client.invoice_payment(payment_id).await? {
        Some(payment) => Ok(payment.refund_keyed(key)),
        None => {
            let message = format!("payment {payment_id} is no longer in Kill Bill");
            Err(KillBillError::Refused { status: 404, code: None, message }.into())
        }
    }
}

async fn link<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid, transaction: Uuid) -> Result<(), StepError> {
    let outcome = link_external_id(env.pool, Platform::KillBill, ENTITY, local_id, &transaction.to_string()).await?;
    mirror::delete_pending(env.pool, ENTITY, local_id).await?;
    if outcome == LinkOutcome::Conflict {
        return Err(KillBillError::Unexpected(format!("refund transaction {transaction} is mapped twice")).into());
    }
    Ok(())
}
