//! One tenant's account, mirrored by a single writer: the account (looked up
//! by external key, created on 404, read again on 409), then its invoices in
//! order, then its payments.

use anyhow::Context;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use uuid::Uuid;

use super::retry::{StepError, with_retry};
use super::{Env, Tally, invoice, payment, void};
use crate::domain::Platform;
use crate::server::adapters::killbill::wire::Account;
use crate::server::adapters::killbill::{AccountCreated, KillBillClient, KillBillError};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, LineToMirror, TenantToMirror};

/// What to do after a record's step ended.
enum Flow {
    Continue,
    Stop,
}

/// Mirrors everything of one tenant that is not mapped yet.
pub async fn mirror_account<C: KillBillClient>(env: &Env<'_, C>, tenant: TenantToMirror) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    if env.gave_up.load(Ordering::Relaxed) {
        return Ok(tally);
    }
    let account_id = match with_retry(env.retry, || ensure_account(env, &tenant)).await {
        Ok(id) => id,
        Err(err) => {
            tally.records_failed += 1;
            outcome(env, &mut tally, &format!("account of tenant {}", tenant.tenant_id), err)?;
            return Ok(tally);
        }
    };
    if let Flow::Stop = mirror_invoices(env, &tenant, account_id, &mut tally).await? {
        return Ok(tally);
    }
    mirror_payments(env, &tenant, account_id, &mut tally).await?;
    mirror_voids(env, &tenant, &mut tally).await?;
    Ok(tally)
}

/// Kill Bill's account of the tenant, created if needed and mapped.
async fn ensure_account<C: KillBillClient>(env: &Env<'_, C>, tenant: &TenantToMirror) -> Result<Uuid, StepError> {
    if let Some(known) = tenant.account_ref.as_deref() {
        return Uuid::parse_str(known)
            .map_err(|_| KillBillError::Unexpected(format!("stored account id `{known}` is not a UUID")).into());
    }
    let key = tenant.tenant_id.to_string();
    let existing = env.client.account_by_external_key(&key).await?;
    let id = match existing.and_then(|a| a.account_id) {
        Some(id) => id,
        None => match env.client.create_account(&new_account(tenant)).await? {
            AccountCreated::Created(id) => id,
            AccountCreated::AlreadyExists => {
                env.client.account_by_external_key(&key).await?.and_then(|a| a.account_id).ok_or_else(|| {
                    KillBillError::Unexpected(format!("account {key} exists (409) but cannot be read"))
                })?
            }
        },
    };
    let outcome = link_external_id(env.pool, Platform::KillBill, "account", tenant.tenant_id, &id.to_string()).await?;
    if outcome == LinkOutcome::Conflict {
        return Err(KillBillError::Unexpected(format!("Kill Bill account {id} is mapped to another tenant")).into());
    }
    Ok(id)
}

/// The account body: the tenant's user id as external key, one currency.
pub fn new_account(tenant: &TenantToMirror) -> Account {
    Account {
        external_key: Some(tenant.tenant_id.to_string()),
        name: Some(tenant.display_name.clone()),
        email: Some(tenant.email.clone()),
        currency: Some(tenant.currency.clone()),
        time_zone: Some("UTC".into()),
        ..Account::default()
    }
}

async fn mirror_invoices<C: KillBillClient>(
    env: &Env<'_, C>,
    tenant: &TenantToMirror,
    account_id: Uuid,
    tally: &mut Tally,
) -> anyhow::Result<Flow> {
    let invoices = mirror::list_invoices_to_mirror(env.pool, tenant.tenant_id).await.context("reading invoices")?;
    let ids: Vec<Uuid> = invoices.iter().map(|i| i.id).collect();
    let mut lines: HashMap<Uuid, Vec<LineToMirror>> = HashMap::new();
    for line in mirror::list_lines_of_invoices(env.pool, &ids).await.context("reading invoice lines")? {
        lines.entry(line.invoice_id).or_default().push(line);
    }
    for inv in &invoices {
        if env.gave_up.load(Ordering::Relaxed) {
            return Ok(Flow::Stop);
        }
        tally.records_in += 1;
        if inv.voided {
            tally.records_skipped += 1;
            continue;
        }
        if inv.currency != tenant.currency {
            tally.records_failed += 1;
            let why =
                format!("invoice {} is in {} but the account is in {}", inv.number, inv.currency, tenant.currency);
            tally.refusals.push(why);
            continue;
        }
        let own = lines.get(&inv.id).map(Vec::as_slice).unwrap_or_default();
        match with_retry(env.retry, || invoice::mirror_invoice(env, account_id, inv, own)).await {
            Ok(()) => tally.records_out += 1,
            Err(err) => {
                tally.records_failed += 1;
                if let Flow::Stop = outcome(env, tally, &format!("invoice {}", inv.number), err)? {
                    return Ok(Flow::Stop);
                }
            }
        }
        env.tick();
    }
    Ok(Flow::Continue)
}

async fn mirror_payments<C: KillBillClient>(
    env: &Env<'_, C>,
    tenant: &TenantToMirror,
    account_id: Uuid,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let payments = mirror::list_payments_to_mirror(env.pool, tenant.tenant_id).await.context("reading payments")?;
    for p in &payments {
        if env.gave_up.load(Ordering::Relaxed) {
            return Ok(());
        }
        tally.records_in += 1;
        if p.invoice_voided {
            tally.records_skipped += 1;
            continue;
        }
        let Some(invoice_id) = p.invoice_ref.as_deref().and_then(|r| Uuid::parse_str(r).ok()) else {
            tally.records_failed += 1;
            tally.refusals.push(format!("payment {} waits for its invoice to be mirrored", p.id));
            continue;
        };
        match with_retry(env.retry, || payment::mirror_payment(env, account_id, invoice_id, p)).await {
            Ok(()) => tally.records_out += 1,
            Err(err) => {
                tally.records_failed += 1;
                if let Flow::Stop = outcome(env, tally, &format!("payment {}", p.id), err)? {
                    return Ok(());
                }
            }
        }
        env.tick();
    }
    Ok(())
}

/// Voids in Kill Bill the invoices voided here after they were mirrored.
async fn mirror_voids<C: KillBillClient>(
    env: &Env<'_, C>,
    tenant: &TenantToMirror,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let voids = mirror::list_voids_to_mirror(env.pool, tenant.tenant_id).await.context("reading voided invoices")?;
    for v in &voids {
        if env.gave_up.load(Ordering::Relaxed) {
            return Ok(());
        }
        tally.records_in += 1;
        match with_retry(env.retry, || void::mirror_void(env, v)).await {
            Ok(()) => tally.records_out += 1,
            Err(err) => {
                tally.records_failed += 1;
                if let Flow::Stop = outcome(env, tally, &format!("void of invoice {}", v.number), err)? {
                    return Ok(());
                }
            }
        }
        env.tick();
    }
    Ok(())
}

/// Books a failed step: a refusal is reported and the account goes on; Kill
/// Bill not answering stops every account; a database error stops the run.
fn outcome<C: KillBillClient>(env: &Env<'_, C>, tally: &mut Tally, what: &str, err: StepError) -> anyhow::Result<Flow> {
    match err {
        StepError::Store(e) => Err(e).with_context(|| format!("mirroring {what}")),
        StepError::KillBill(e) if e.is_retryable() => {
            env.gave_up.store(true, Ordering::Relaxed);
            env.journal.record("gave_up", serde_json::json!({ "on": what, "error": e.to_string() }));
            tally.unreachable.get_or_insert_with(|| format!("{what}: {e}"));
            Ok(Flow::Stop)
        }
        StepError::KillBill(e) => {
            env.journal.record("refused", serde_json::json!({ "on": what, "error": e.to_string() }));
            tally.refusals.push(format!("{what}: {e}"));
            Ok(Flow::Continue)
        }
    }
}
