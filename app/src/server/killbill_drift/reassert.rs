//! Re-asserting ours: Kill Bill is sent what makes its copy of the invoice
//! hold our figure again, once and crash-safe.
//!
//! Kill Bill never raises a COMMITTED invoice: it takes no new item (4024)
//! and an item adjustment only takes off (a negative one is refused). So a
//! copy lowered there is voided (`PUT …/voidInvoice`, allowed only while
//! nothing is paid on it net of refunds, else 4028: then re-asserting is
//! refused) and issued again from our lines net of credit notes (a marked
//! DRAFT, then committed), and our mapping moves to the new copy. A copy
//! higher there is adjusted down (`POST /invoices/{id}`, one marked `ITEM_ADJ`
//! per line, within what Kill Bill still has to collect on it).
//!
//! The plan is recorded (`killbill_drift_resolution`, `sending`) before the
//! first request and its stage before each next one; every attempt reads
//! Kill Bill first and sends only what is not there, found by its marker, so
//! a request whose answer was lost is never sent twice. An interrupted
//! re-assert is finished by pressing Re-assert again. While one runs it holds
//! the Kill Bill mirror's lease, so the mirror never writes to the account at
//! the same time.

use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

use super::check::{Checked, check, refresh, repeat_of};
use super::plan::{self, Plan};
use super::{Action, follow_up, money, send};
use crate::domain::Job;
use crate::model::AppError;
use crate::model::killbill_drift::{DriftResolved, DriftSeen};
use crate::server::adapters::killbill::KillBillClient;
use crate::server::adapters::killbill::wire::minor_units;
use crate::server::audit::Actor;
use crate::server::auth::AuthUser;
use crate::server::error::internal;
use crate::server::scheduler::{JobLease, JobLeaseOptions, job_lease::holder_id};
use crate::server::store::killbill_drift_resolution::{self as resolution, DriftInvoice, NewResolution};

/// How long a re-assert may hold the mirror's lease.
const LEASE: Duration = Duration::from_secs(300);

/// Re-asserts our figure of invoice `invoice_id` in Kill Bill (or finishes
/// the re-assert under way on it).
pub async fn reassert<C: KillBillClient>(
    pool: &PgPool,
    client: &C,
    user: &AuthUser,
    invoice_id: Uuid,
    seen: Option<DriftSeen>,
) -> Result<DriftResolved, AppError> {
    user.require_admin()?;
    let invoice = resolution::drift_invoice(pool, invoice_id).await?.ok_or(AppError::NotFound)?;
    let options = JobLeaseOptions { holder: holder_id("drift"), ttl: LEASE, pause_after_failures: 0, deadline: LEASE };
    let Some(lease) = JobLease::acquire(pool, Job::KillbillMirror, &options).await.map_err(internal)? else {
        return Err(AppError::Conflict(format!(
            "invoice {}: Kill Bill is being written to right now (a mirror run, or another re-assert); press \
             again in a moment",
            invoice.number
        )));
    };
    let tenant_id = invoice.tenant_id;
    let result = run(pool, client, user, invoice, seen).await;
    lease.release().await;
    let answer = result?;
    if !answer.repeated {
        refresh(pool, client, tenant_id).await;
        follow_up(pool, user).await;
    }
    Ok(answer)
}

async fn run<C: KillBillClient>(
    pool: &PgPool,
    client: &C,
    user: &AuthUser,
    invoice: DriftInvoice,
    seen: Option<DriftSeen>,
) -> Result<DriftResolved, AppError> {
    if let Some(open) = resolution::find_open(pool, invoice.id).await? {
        return send::finish(pool, client, user, &invoice, open).await;
    }
    if let Some(done) = repeat_of(&mut *pool.acquire().await?, &invoice, Action::Reassert, seen).await? {
        return Ok(done);
    }
    let checked = check(pool, client, invoice, seen, Action::Reassert).await?;
    let plan = plan_of(&checked)?;
    let by = Actor::of(user);
    let new = NewResolution {
        id: Uuid::new_v4(),
        invoice_id: checked.invoice.id,
        tenant_id: checked.invoice.tenant_id,
        action: Action::Reassert.as_str(),
        stage: "planned",
        currency: &checked.invoice.currency,
        local_minor: checked.seen.local_minor,
        killbill_minor: checked.seen.killbill_minor,
        plan: serde_json::to_value(&plan).map_err(internal)?,
        actor_id: Some(user.user_id),
        actor: &by.name,
    };
    // Recorded under the invoice's lock, so an accept (or a note, or a
    // payment) at the same moment is applied before or after, never between.
    let mut tx = pool.begin().await?;
    let locked = resolution::lock_drift_invoice(&mut tx, checked.invoice.id).await?;
    if locked.as_ref() != Some(&checked.invoice) {
        return Err(AppError::Conflict(format!(
            "invoice {} changed meanwhile: look again before acting",
            checked.invoice.number
        )));
    }
    if !resolution::open(&mut *tx, &new).await? {
        return Err(AppError::Conflict(format!(
            "invoice {}: a re-assert of it is already under way; press again to finish it",
            checked.invoice.number
        )));
    }
    tx.commit().await?;
    let open = resolution::find_open(pool, checked.invoice.id).await?.ok_or(AppError::NotFound)?;
    send::finish(pool, client, user, &checked.invoice, open).await
}

/// What to send: a re-issue of a lowered copy (refused while Kill Bill holds
/// a payment on it), or adjustments down of a higher one (within what Kill
/// Bill still has to collect on it, beyond which it would make account credit).
fn plan_of(c: &Checked) -> Result<Plan, AppError> {
    let n = &c.invoice.number;
    let m = |minor: i64| money(minor, &c.invoice.currency);
    let refuse = |why: String| AppError::Unprocessable(format!("invoice {n}: {why}"));
    let read = |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| minor_units(v, c.exponent)).unwrap_or(0);
    let (amount, balance) = (read(&c.kb.amount), read(&c.kb.balance));
    let excess = c.seen.killbill_minor - c.seen.local_minor;
    if excess < 0 {
        let paid = amount - balance;
        if paid != 0 {
            return Err(refuse(format!(
                "Kill Bill holds {} paid on its copy. A committed invoice there takes no new item and is never \
                 adjusted upwards, and Kill Bill voids only an invoice with nothing paid, so ours cannot be \
                 re-asserted there; accept Kill Bill's figure instead, or correct the invoice in Kaui",
                m(paid)
            )));
        }
        let lines = plan::reissue_lines(&c.lines, c.seen.local_minor).map_err(refuse)?;
        return Ok(Plan::Reissue {
            account_id: c.account_id,
            void: c.kb_id(),
            requested_date: c.invoice.issued_on,
            period: (c.invoice.period_start, c.invoice.period_end),
            lines,
        });
    }
    if balance < excess {
        return Err(refuse(format!(
            "Kill Bill has only {} left to collect on its copy; taking {} off would turn the rest into account \
             credit there, which is not our figure; correct the invoice in Kaui",
            m(balance),
            m(excess)
        )));
    }
    let parts = plan::adjust_down(&c.kb, c.invoice.id, &c.lines, c.exponent, excess).map_err(refuse)?;
    Ok(Plan::AdjustDown { account_id: c.account_id, invoice: c.kb_id(), parts })
}
