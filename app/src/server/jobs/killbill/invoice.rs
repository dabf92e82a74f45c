//! Mirrors one invoice crash-safely (NOTES §4): Kill Bill has no external key
//! on invoices, so every item carries a marker in `itemDetails`, the invoice
//! is created as DRAFT, tagged with the `mkt_invoice_id` custom field, then
//! committed. `killbill_pending` records each stage before the next request,
//! and a write whose result is unknown is looked up by its marker first.

use uuid::Uuid;

use super::Env;
use super::retry::StepError;
use crate::domain::{Currency, Platform};
use crate::server::adapters::killbill::wire::{
    Amount, CustomField, MARKER_FIELD, NewInvoiceItem, find_by_item_marker, item_details,
};
use crate::server::adapters::killbill::{KillBillClient, KillBillError};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, InvoiceToMirror, LineToMirror};

const ENTITY: &str = "invoice";

/// Where the mirroring of an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing was sent.
    New,
    /// The create went out; its result is unknown.
    Sent,
    /// The DRAFT exists; `field_absent` when we know it has no marker field yet.
    Drafted { id: Uuid, field_absent: bool },
    /// The DRAFT carries its marker field.
    Marked { id: Uuid },
}

/// Creates, marks and commits the invoice in Kill Bill unless an earlier
/// attempt did part of it, then maps it in `external_ref`.
pub async fn mirror_invoice<C: KillBillClient>(
    env: &Env<'_, C>,
    account_id: Uuid,
    inv: &InvoiceToMirror,
    lines: &[LineToMirror],
) -> Result<(), StepError> {
    let mut stage = load_stage(env, inv.id).await?;
    if stage == Stage::Sent {
        stage = recover(env, account_id, inv.id).await?;
    }
    if stage == Stage::New {
        mirror::save_pending(env.pool, ENTITY, inv.id, "sent", None).await?;
        let items = items(account_id, inv, lines)?;
        let id = env.client.create_draft_charges(account_id, inv.issued_on, &items).await?;
        mirror::save_pending(env.pool, ENTITY, inv.id, "drafted", Some(&id.to_string())).await?;
        stage = Stage::Drafted { id, field_absent: true };
    }
    let id = match stage {
        Stage::Drafted { id, field_absent } => {
            if field_absent || find_marked(env, inv.id).await? != Some(id) {
                let field =
                    CustomField { name: MARKER_FIELD.into(), value: inv.id.to_string(), ..CustomField::default() };
                env.client.add_invoice_custom_fields(id, &[field]).await?;
            }
            mirror::save_pending(env.pool, ENTITY, inv.id, "marked", Some(&id.to_string())).await?;
            id
        }
        Stage::Marked { id } => id,
        Stage::New | Stage::Sent => unreachable_stage()?,
    };
    env.client.commit_invoice(id).await?;
    link(env, inv.id, id).await
}

async fn load_stage<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid) -> Result<Stage, StepError> {
    let Some(pending) = mirror::find_pending(env.pool, ENTITY, local_id).await? else {
        return Ok(Stage::New);
    };
    let id = pending.external_id.as_deref().and_then(|s| Uuid::parse_str(s).ok());
    Ok(match (pending.stage.as_str(), id) {
        ("drafted", Some(id)) => Stage::Drafted { id, field_absent: false },
        ("marked", Some(id)) => Stage::Marked { id },
        _ => Stage::Sent,
    })
}

/// Finds what an unconfirmed create left behind: a marked invoice, else an
/// invoice whose items carry the marker, else nothing.
async fn recover<C: KillBillClient>(env: &Env<'_, C>, account_id: Uuid, local_id: Uuid) -> Result<Stage, StepError> {
    if let Some(id) = find_marked(env, local_id).await? {
        return Ok(Stage::Marked { id });
    }
    let invoices = env.client.account_invoices(account_id).await?;
    Ok(match find_by_item_marker(&invoices, local_id) {
        Some(id) => Stage::Drafted { id, field_absent: true },
        None => Stage::New,
    })
}

async fn find_marked<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid) -> Result<Option<Uuid>, StepError> {
    let fields = env.client.search_invoice_custom_fields(MARKER_FIELD, &local_id.to_string()).await?;
    Ok(fields.iter().filter(|f| f.value == local_id.to_string()).find_map(|f| f.object_id))
}

/// The invoice's lines as external charges, each with the marker.
pub fn items(
    account_id: Uuid,
    inv: &InvoiceToMirror,
    lines: &[LineToMirror],
) -> Result<Vec<NewInvoiceItem>, StepError> {
    let currency = Currency::parse(&inv.currency).map_err(KillBillError::Unexpected)?;
    if lines.is_empty() {
        return Err(KillBillError::Unexpected(format!("invoice {} has no lines", inv.number)).into());
    }
    Ok(lines
        .iter()
        .map(|line| NewInvoiceItem {
            invoice_item_id: Uuid::new_v5(&inv.id, &line.position.to_be_bytes()),
            account_id,
            amount: Amount::from_minor(line.amount_minor, currency.exponent()),
            currency: inv.currency.clone(),
            description: format!("{} — {}", inv.number, line.description),
            start_date: inv.period_start,
            end_date: inv.period_end,
            item_details: item_details(inv.id, line.position),
        })
        .collect())
}

async fn link<C: KillBillClient>(env: &Env<'_, C>, local_id: Uuid, id: Uuid) -> Result<(), StepError> {
    let outcome = link_external_id(env.pool, Platform::KillBill, ENTITY, local_id, &id.to_string()).await?;
    mirror::delete_pending(env.pool, ENTITY, local_id).await?;
    if outcome == LinkOutcome::Conflict {
        return Err(
            KillBillError::Unexpected(format!("Kill Bill invoice {id} is already mapped to another invoice")).into()
        );
    }
    Ok(())
}

fn unreachable_stage() -> Result<Uuid, StepError> {
    Err(KillBillError::Unexpected("invoice mirroring reached an impossible stage".into()).into())
}
