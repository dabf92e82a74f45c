//! `killbill_drift_resolution`: each admin's way out of an invoice's Kill
//! Bill drift. An accept is written done, with its credit note, in one
//! transaction; a re-assert is written `sending` with its plan before its
//! first request to Kill Bill (at most one open per invoice) and done once
//! Kill Bill shows it.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A resolution as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub tenant_id: Uuid,
    /// `accept` or `reassert`.
    pub action: String,
    /// `sending` or `done`.
    pub state: String,
    pub stage: String,
    pub currency: String,
    pub local_minor: i64,
    pub killbill_minor: i64,
    pub plan: serde_json::Value,
    pub credit_note_id: Option<Uuid>,
    pub killbill_invoice_id: Option<String>,
    pub outcome: Option<String>,
    pub actor: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A resolution to record.
#[derive(Debug, Clone)]
pub struct NewResolution<'a> {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub tenant_id: Uuid,
    pub action: &'a str,
    pub stage: &'a str,
    pub currency: &'a str,
    pub local_minor: i64,
    pub killbill_minor: i64,
    pub plan: serde_json::Value,
    pub actor_id: Option<Uuid>,
    pub actor: &'a str,
}

/// Records a re-assert about to be sent; `false` when one is already open
/// for the invoice (nothing written).
pub async fn open(db: impl PgExecutor<'_>, r: &NewResolution<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO killbill_drift_resolution (id, invoice_id, tenant_id, action, state, stage, currency, local_minor,
             killbill_minor, plan, actor_id, actor)
         VALUES ($1, $2, $3, $4, 'sending', $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (invoice_id) WHERE state = 'sending' DO NOTHING",
        r.id,
        r.invoice_id,
        r.tenant_id,
        r.action,
        r.stage,
        r.currency,
        r.local_minor,
        r.killbill_minor,
        r.plan,
        r.actor_id,
        r.actor
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Records an accept, done at once with its credit note.
pub async fn insert_done(
    conn: &mut PgConnection,
    r: &NewResolution<'_>,
    credit_note_id: Uuid,
    killbill_invoice_id: &str,
    outcome: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO killbill_drift_resolution (id, invoice_id, tenant_id, action, state, stage, currency, local_minor,
             killbill_minor, plan, actor_id, actor, credit_note_id, killbill_invoice_id, outcome, finished_at)
         VALUES ($1, $2, $3, $4, 'done', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())",
        r.id,
        r.invoice_id,
        r.tenant_id,
        r.action,
        r.stage,
        r.currency,
        r.local_minor,
        r.killbill_minor,
        r.plan,
        r.actor_id,
        r.actor,
        credit_note_id,
        killbill_invoice_id,
        outcome
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves an open re-assert to its next stage (before the request that follows it).
pub async fn set_stage(db: impl PgExecutor<'_>, id: Uuid, stage: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE killbill_drift_resolution SET stage = $2 WHERE id = $1 AND state = 'sending'", id, stage)
        .execute(db)
        .await?;
    Ok(())
}

/// Marks an open re-assert done: Kill Bill shows it.
pub async fn finish(
    db: impl PgExecutor<'_>,
    id: Uuid,
    stage: &str,
    killbill_invoice_id: &str,
    outcome: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE killbill_drift_resolution SET state = 'done', stage = $2, killbill_invoice_id = $3, outcome = $4,
             finished_at = now()
         WHERE id = $1 AND state = 'sending'",
        id,
        stage,
        killbill_invoice_id,
        outcome
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets an open re-assert Kill Bill certainly holds nothing of (it refused the first request).
pub async fn abandon(db: impl PgExecutor<'_>, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM killbill_drift_resolution WHERE id = $1 AND state = 'sending'", id).execute(db).await?;
    Ok(())
}

/// The re-assert under way on an invoice, if any.
pub async fn find_open(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<Option<Resolution>, sqlx::Error> {
    sqlx::query_as!(
        Resolution,
        r#"SELECT id, invoice_id, tenant_id, action, state, stage, currency AS "currency!", local_minor, killbill_minor,
                  plan, credit_note_id, killbill_invoice_id, outcome, actor, created_at, finished_at
           FROM killbill_drift_resolution WHERE invoice_id = $1 AND state = 'sending'"#,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// The latest finished resolution of an invoice, if any.
pub async fn latest_done(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<Option<Resolution>, sqlx::Error> {
    sqlx::query_as!(
        Resolution,
        r#"SELECT id, invoice_id, tenant_id, action, state, stage, currency AS "currency!", local_minor, killbill_minor,
                  plan, credit_note_id, killbill_invoice_id, outcome, actor, created_at, finished_at
           FROM killbill_drift_resolution WHERE invoice_id = $1 AND state = 'done'
           ORDER BY finished_at DESC, created_at DESC LIMIT 1"#,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// Kill Bill's item adjustments already accepted into our ledger on an
/// invoice (by every accept's plan), so they are never counted twice.
pub async fn accepted_adjustments(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT a AS "a!" FROM killbill_drift_resolution r,
                  jsonb_array_elements_text(r.plan -> 'adjustments') AS a
           WHERE r.invoice_id = $1 AND r.action = 'accept'"#,
        invoice_id
    )
    .fetch_all(db)
    .await
}

/// The numbers of an invoice's credit notes that are not in Kill Bill yet
/// (and not skipped for good in the quarantine: those stay out by decision).
pub async fn unsent_credit_notes(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT c.number FROM credit_note c WHERE c.invoice_id = $1
           AND c.id NOT IN (SELECT r.local_id FROM external_ref r WHERE r.platform = 'killbill'
                            AND r.entity = 'credit_note')
           AND c.id NOT IN (SELECT q.local_id FROM killbill_quarantine q WHERE q.entity = 'credit_note'
                            AND q.state = 'skipped')
         ORDER BY c.number",
        invoice_id
    )
    .fetch_all(db)
    .await
}

/// Points our invoice's Kill Bill mapping at the invoice that now holds it
/// (a re-issue replaced the old one, which is void there).
pub async fn remap_invoice(db: impl PgExecutor<'_>, invoice_id: Uuid, killbill_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE external_ref SET external_id = $2, updated_at = now()
         WHERE platform = 'killbill' AND entity = 'invoice' AND local_id = $1",
        invoice_id,
        killbill_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An invoice as a drift action needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftInvoice {
    pub id: Uuid,
    pub number: String,
    pub tenant_id: Uuid,
    pub currency: String,
    pub total_minor: i64,
    pub credited_minor: i64,
    pub issued_on: chrono::NaiveDate,
    pub period_start: chrono::NaiveDate,
    pub period_end: chrono::NaiveDate,
    pub voided: bool,
}

/// One of our invoices, if it exists.
pub async fn drift_invoice(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<DriftInvoice>, sqlx::Error> {
    sqlx::query_as!(
        DriftInvoice,
        r#"SELECT id, number, tenant_id, currency AS "currency!", total_minor, credited_minor, issued_on, period_start,
                  period_end, voided_at IS NOT NULL AS "voided!"
           FROM invoice WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// One of our invoices, locked for the caller's transaction (so two actions,
/// or an action and a payment or a note, are never applied at once).
pub async fn lock_drift_invoice(conn: &mut PgConnection, id: Uuid) -> Result<Option<DriftInvoice>, sqlx::Error> {
    sqlx::query_as!(
        DriftInvoice,
        r#"SELECT id, number, tenant_id, currency AS "currency!", total_minor, credited_minor, issued_on, period_start,
                  period_end, voided_at IS NOT NULL AS "voided!"
           FROM invoice WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Maps an accepted credit note to Kill Bill's own adjustment it records,
/// so the mirror knows it is there and never sends it.
pub async fn map_accepted_note(
    conn: &mut PgConnection,
    credit_note_id: Uuid,
    killbill_item_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO external_ref (platform, entity, local_id, external_id) VALUES ('killbill', 'credit_note', $1, $2)",
        credit_note_id,
        killbill_item_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
