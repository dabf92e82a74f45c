//! Mirrors one payment as an external payment on its invoice. The
//! `paymentExternalKey` is derived from our payment id, and whenever an
//! earlier send may have gone through (a `killbill_pending` row), Kill Bill is
//! asked for that key before sending again.

use uuid::Uuid;

use super::Env;
use super::retry::StepError;
use crate::domain::{Currency, Platform};
use crate::server::adapters::killbill::wire::{Amount, NewInvoicePayment, payment_external_key};
use crate::server::adapters::killbill::{KillBillClient, KillBillError, PaymentRecorded};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, PaymentToMirror};

const ENTITY: &str = "payment";

/// Records the payment in Kill Bill once, then maps it in `external_ref`.
pub async fn mirror_payment<C: KillBillClient>(
    env: &Env<'_, C>,
    account_id: Uuid,
    invoice_id: Uuid,
    p: &PaymentToMirror,
) -> Result<(), StepError> {
    let key = payment_external_key(p.id);
    if mirror::find_pending(env.pool, ENTITY, p.id).await?.is_some()
        && let Some(found) = env.client.payment_by_external_key(&key).await?
        && found.succeeded()
    {
        return link(env, p.id, found.payment_id).await;
    }
    let currency = Currency::parse(&p.currency).map_err(KillBillError::Unexpected)?;
    let body = NewInvoicePayment {
        account_id,
        purchased_amount: Amount::from_minor(p.amount_minor, currency.exponent()),
        payment_external_key: key,
    };
    mirror::save_pending(env.pool, ENTITY, p.id, "sent", None).await?;
    match env.client.create_external_payment(invoice_id, &body).await {
        Ok(PaymentRecorded::Recorded(id)) => link(env, p.id, id).await,
        Ok(PaymentRecorded::NothingToPay) => {
            mirror::delete_pending(env.pool, ENTITY, p.id).await?;
            let message = "the invoice had nothing left to pay (204)".to_owned();
            Err(KillBillError::Refused { status: 204, code: None, message }.into())
        }
        Err(err) if !err.is_retryable() => {
            mirror::delete_pending(env.pool, ENTITY, p.id).await?;
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}

async fn link<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid, id: Uuid) -> Result<(), StepError> {
    let outcome = link_external_id(env.pool, Platform::KillBill, ENTITY, local_id, &id.to_string()).await?;
    mirror::delete_pending(env.pool, ENTITY, local_id).await?;
    if outcome == LinkOutcome::Conflict {
        return Err(
            KillBillError::Unexpected(format!("Kill Bill payment {id} is already mapped to another payment")).into()
        );
    }
    Ok(())
}
