//! One tenant's account, mirrored by a single writer: the account (looked up
//! by external key, created on 404, read again on 409), then its invoices in
//! order, then its payments, then their refunds, then its credit notes (after
//! payments and refunds, so Kill Bill's balance never drops below what a note
//! takes off), then its voids (last: Kill Bill voids only an invoice with
//! nothing paid net of refunds). A record
//! Kill Bill refuses for good is quarantined with the refusal and left alone
//! by later runs until an admin retries it; the account goes on with its
//! other records.

use anyhow::Context;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use uuid::Uuid;

use super::retry::{StepError, with_retry};
use super::{Env, Tally, credit_note, invoice, payment, profile, refund, void};
use crate::domain::Platform;
use crate::server::adapters::killbill::wire::Account;
use crate::server::adapters::killbill::{AccountCreated, KillBillClient, KillBillError};
use crate::server::store::external_ref::{LinkOutcome, link_external_id};
use crate::server::store::killbill_mirror::{self as mirror, CreditNotePartToMirror, LineToMirror, TenantToMirror};
use crate::server::store::killbill_quarantine::{self as quarantine, Refusal};

/// What a tenant's quarantine says of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Not quarantined.
    Clear,
    /// Held or skipped: left alone.
    Aside,
    /// An admin asked to try it again.
    Retry,
}

/// A tenant's quarantined records, by entity and local id.
struct Quarantine(HashMap<(String, Uuid), String>);

impl Quarantine {
    async fn of(pool: &sqlx::PgPool, tenant_id: Uuid) -> anyhow::Result<Self> {
        let held = quarantine::of_tenant(pool, tenant_id).await.context("reading the quarantine")?;
        Ok(Self(held.into_iter().map(|h| ((h.entity, h.local_id), h.state)).collect()))
    }

    fn standing(&self, entity: &str, id: Uuid) -> Standing {
        match self.0.get(&(entity.to_owned(), id)).map(String::as_str) {
            None => Standing::Clear,
            Some("retry") => Standing::Retry,
            Some(_) => Standing::Aside,
        }
    }
}

/// The record a step was about: for the quarantine and the run's report.
struct Subject<'a> {
    entity: &'a str,
    local_id: Uuid,
    tenant_id: Uuid,
    label: String,
}

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
    let held = Quarantine::of(env.pool, tenant.tenant_id).await?;
    let account = Subject {
        entity: "account",
        local_id: tenant.tenant_id,
        tenant_id: tenant.tenant_id,
        label: format!("account of {}", tenant.email),
    };
    let standing = held.standing(account.entity, account.local_id);
    if standing == Standing::Aside {
        tally.records_skipped += 1;
        return Ok(tally);
    }
    let account_id = match with_retry(env.retry, || ensure_account(env, &tenant)).await {
        Ok(id) => {
            settled(env, &account, standing).await?;
            id
        }
        Err(err) => {
            tally.records_failed += 1;
            outcome(env, &mut tally, &account, err).await?;
            return Ok(tally);
        }
    };
    if profile::is_behind(&tenant) && held.standing("account_profile", tenant.tenant_id) != Standing::Aside {
        let subject = Subject {
            entity: "account_profile",
            local_id: tenant.tenant_id,
            tenant_id: tenant.tenant_id,
            label: format!("e-mail and name of {}", tenant.email),
        };
        tally.records_in += 1;
        let result = with_retry(env.retry, || profile::mirror_profile(env, &tenant, account_id)).await;
        let standing = held.standing(subject.entity, subject.local_id);
        if let Flow::Stop = book(env, &mut tally, &subject, standing, result).await? {
            return Ok(tally);
        }
    }
    mirror_records(env, &tenant, account_id, &held, &mut tally).await?;
    Ok(tally)
}

/// Forgets the quarantine of a record that went through on retry.
async fn settled<C: KillBillClient>(env: &Env<'_, C>, subject: &Subject<'_>, standing: Standing) -> anyhow::Result<()> {
    if standing == Standing::Retry {
        quarantine::release(env.pool, subject.entity, subject.local_id).await.context("updating the quarantine")?;
        env.journal.record("released", serde_json::json!({ "on": subject.label }));
    }
    Ok(())
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
            AccountCreated::Created(id) => {
                mirror::record_profile_sent(env.pool, tenant.tenant_id, tenant.profile_version).await?;
                id
            }
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

/// Records of one kind, in order, each sent by `send` (with retries) unless
/// its quarantine puts it aside or `waits` says it cannot go yet (both
/// counted as skipped); every result is booked. Stops once Kill Bill stopped
/// answering.
async fn mirror_each<'r, C, T, F, Fut>(
    env: &Env<'_, C>,
    held: &Quarantine,
    tally: &mut Tally,
    records: &'r [T],
    subject: impl Fn(&T) -> Subject<'static>,
    waits: impl Fn(&T) -> bool,
    send: F,
) -> anyhow::Result<Flow>
where
    C: KillBillClient,
    F: Fn(&'r T) -> Fut,
    Fut: Future<Output = Result<(), StepError>>,
{
    for record in records {
        if env.gave_up.load(Ordering::Relaxed) {
            return Ok(Flow::Stop);
        }
        tally.records_in += 1;
        let subject = subject(record);
        let standing = held.standing(subject.entity, subject.local_id);
        if standing == Standing::Aside || waits(record) {
            tally.records_skipped += 1;
            continue;
        }
        let result = with_retry(env.retry, || send(record)).await;
        if let Flow::Stop = book(env, tally, &subject, standing, result).await? {
            return Ok(Flow::Stop);
        }
        env.tick();
    }
    Ok(Flow::Continue)
}

/// Each record of a tenant that is not mapped yet, kind after kind (see the
/// module's order).
async fn mirror_records<C: KillBillClient>(
    env: &Env<'_, C>,
    tenant: &TenantToMirror,
    account_id: Uuid,
    held: &Quarantine,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let (pool, tenant_id) = (env.pool, tenant.tenant_id);
    let about = |entity: &'static str, local_id: Uuid, label: String| Subject { entity, local_id, tenant_id, label };

    let invoices = mirror::list_invoices_to_mirror(pool, tenant_id).await.context("reading invoices")?;
    let ids: Vec<Uuid> = invoices.iter().map(|i| i.id).collect();
    let mut lines: HashMap<Uuid, Vec<LineToMirror>> = HashMap::new();
    for line in mirror::list_lines_of_invoices(pool, &ids).await.context("reading invoice lines")? {
        lines.entry(line.invoice_id).or_default().push(line);
    }
    let lines = &lines;
    let flow = mirror_each(
        env,
        held,
        tally,
        &invoices,
        |inv| about("invoice", inv.id, format!("invoice {}", inv.number)),
        |inv| inv.voided,
        |inv| async move {
            if inv.currency != tenant.currency {
                let message = format!("it is in {} but the account is in {}", inv.currency, tenant.currency);
                return Err(StepError::KillBill(KillBillError::Refused { status: 400, code: None, message }));
            }
            let own = lines.get(&inv.id).map(Vec::as_slice).unwrap_or_default();
            invoice::mirror_invoice(env, account_id, inv, own).await
        },
    )
    .await?;
    if let Flow::Stop = flow {
        return Ok(());
    }

    let payments = mirror::list_payments_to_mirror(pool, tenant_id).await.context("reading payments")?;
    let flow = mirror_each(
        env,
        held,
        tally,
        &payments,
        |p| {
            let label = format!(
                "payment {} of {} on invoice {}",
                p.reference,
                money(p.amount_minor, &p.currency),
                p.invoice_number
            );
            about("payment", p.id, label)
        },
        // A payment of a voided invoice stays here; one whose invoice is not
        // in Kill Bill (refused, or not sent yet) waits.
        |p| p.invoice_voided || invoice_of(p).is_none(),
        |p| async move {
            match invoice_of(p) {
                Some(invoice_id) => payment::mirror_payment(env, account_id, invoice_id, p).await,
                None => Ok(()),
            }
        },
    )
    .await?;
    if let Flow::Stop = flow {
        return Ok(());
    }

    let refunds = mirror::list_refunds_to_mirror(pool, tenant_id).await.context("reading refunds")?;
    let flow = mirror_each(
        env,
        held,
        tally,
        &refunds,
        |r| {
            let label = format!("refund of {} on payment {}", money(r.amount_minor, &r.currency), r.payment_reference);
            about("refund", r.id, label)
        },
        |_| false,
        |r| refund::mirror_refund(env, r),
    )
    .await?;
    if let Flow::Stop = flow {
        return Ok(());
    }

    let notes = mirror::list_credit_notes_to_mirror(pool, tenant_id).await.context("reading credit notes")?;
    let ids: Vec<Uuid> = notes.iter().map(|n| n.id).collect();
    let mut parts: HashMap<Uuid, Vec<CreditNotePartToMirror>> = HashMap::new();
    for part in mirror::list_parts_of_credit_notes(pool, &ids).await.context("reading credit note parts")? {
        parts.entry(part.credit_note_id).or_default().push(part);
    }
    let parts = &parts;
    let flow = mirror_each(
        env,
        held,
        tally,
        &notes,
        |n| {
            let label = format!(
                "credit note {} of {} on invoice {}",
                n.number,
                money(n.amount_minor, &n.currency),
                n.invoice_number
            );
            about("credit_note", n.id, label)
        },
        |_| false,
        |n| async move {
            let own = parts.get(&n.id).map(Vec::as_slice).unwrap_or_default();
            credit_note::mirror_credit_note(env, account_id, n, own).await
        },
    )
    .await?;
    if let Flow::Stop = flow {
        return Ok(());
    }

    let voids = mirror::list_voids_to_mirror(pool, tenant_id).await.context("reading voided invoices")?;
    mirror_each(
        env,
        held,
        tally,
        &voids,
        |v| about("invoice_void", v.invoice_id, format!("void of invoice {}", v.number)),
        |_| false,
        |v| void::mirror_void(env, v),
    )
    .await?;
    Ok(())
}

/// Kill Bill's id of a payment's invoice, once that invoice is mirrored.
fn invoice_of(p: &mirror::PaymentToMirror) -> Option<Uuid> {
    p.invoice_ref.as_deref().and_then(|r| Uuid::parse_str(r).ok())
}

/// An amount in words for a label ("€1,250.00").
fn money(minor: i64, currency: &str) -> String {
    crate::domain::Money::from_parts(minor, currency).map_or_else(|_| format!("{minor} {currency}"), |m| m.to_string())
}

/// Books the result of one record's step: sent (and out of the quarantine
/// if it was retried), or failed (see [`outcome`]).
async fn book<C: KillBillClient>(
    env: &Env<'_, C>,
    tally: &mut Tally,
    subject: &Subject<'_>,
    standing: Standing,
    result: Result<(), StepError>,
) -> anyhow::Result<Flow> {
    match result {
        Ok(()) => {
            tally.records_out += 1;
            settled(env, subject, standing).await?;
            Ok(Flow::Continue)
        }
        Err(err) => {
            tally.records_failed += 1;
            outcome(env, tally, subject, err).await
        }
    }
}

/// Books a failed step: a refusal is quarantined and reported, and the
/// account goes on; Kill Bill not answering stops every account; a database
/// error stops the run.
async fn outcome<C: KillBillClient>(
    env: &Env<'_, C>,
    tally: &mut Tally,
    subject: &Subject<'_>,
    err: StepError,
) -> anyhow::Result<Flow> {
    let what = subject.label.as_str();
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
            let (http_status, code, message) = match &e {
                KillBillError::Refused { status, code, message } => (Some(i32::from(*status)), *code, message.clone()),
                other => (None, None, other.to_string()),
            };
            let refusal = Refusal {
                entity: subject.entity,
                local_id: subject.local_id,
                tenant_id: subject.tenant_id,
                label: what,
                http_status,
                code,
                message: &message,
            };
            quarantine::hold(env.pool, &refusal).await.with_context(|| format!("quarantining {what}"))?;
            tally.refusals.push(format!("{what}: {e}"));
            Ok(Flow::Continue)
        }
    }
}
