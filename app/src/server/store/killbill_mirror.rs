//! What the Kill Bill mirror still has to send, read from `invoice`,
//! `payment` and `external_ref`, and `killbill_pending`: writes that were
//! started but not confirmed, so a rerun looks them up before sending again.

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

/// A tenant with something left to mirror, and its account mapping if any.
#[derive(Debug, Clone)]
pub struct TenantToMirror {
    pub tenant_id: Uuid,
    pub display_name: String,
    pub email: String,
    /// The currency of the tenant's first invoice: the Kill Bill account's currency.
    pub currency: String,
    /// Kill Bill's account id, when already mapped.
    pub account_ref: Option<String>,
    /// The version of the tenant's e-mail and name (bumped by each correction).
    pub profile_version: i32,
    /// The version last sent to the Kill Bill account, if any.
    pub profile_sent: Option<i32>,
}

/// An invoice not yet mapped to Kill Bill.
#[derive(Debug, Clone)]
pub struct InvoiceToMirror {
    pub id: Uuid,
    pub number: String,
    pub currency: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub issued_on: NaiveDate,
    pub voided: bool,
}

/// One line of an invoice, in minor units.
#[derive(Debug, Clone)]
pub struct LineToMirror {
    pub invoice_id: Uuid,
    pub position: i32,
    pub description: String,
    pub amount_minor: i64,
}

/// A payment not yet mapped to Kill Bill, with its invoice's mapping.
#[derive(Debug, Clone)]
pub struct PaymentToMirror {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    /// The bank's or the receipt's reference, and the invoice's number (for people).
    pub reference: String,
    pub invoice_number: String,
    pub invoice_voided: bool,
    /// Kill Bill's invoice id, when the invoice is mirrored.
    pub invoice_ref: Option<String>,
}

/// An invoice voided here after it was mirrored, whose void Kill Bill has
/// not been told of yet.
#[derive(Debug, Clone)]
pub struct VoidToMirror {
    pub invoice_id: Uuid,
    pub number: String,
    /// Kill Bill's invoice id.
    pub invoice_ref: String,
}

/// A refund of a mirrored payment, not yet mirrored itself.
#[derive(Debug, Clone)]
pub struct RefundToMirror {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    /// The refunded payment's reference (for people).
    pub payment_reference: String,
    /// Kill Bill's payment id.
    pub payment_ref: String,
}

/// A credit note on a mirrored invoice, not yet mirrored itself.
#[derive(Debug, Clone)]
pub struct CreditNoteToMirror {
    pub id: Uuid,
    pub number: String,
    pub invoice_id: Uuid,
    pub invoice_number: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Kill Bill's invoice id.
    pub invoice_ref: String,
}

/// The share of one invoice line a credit note takes back.
#[derive(Debug, Clone)]
pub struct CreditNotePartToMirror {
    pub credit_note_id: Uuid,
    pub line_position: i32,
    pub amount_minor: i64,
}

/// A write that went out without a confirmed result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWrite {
    /// `sent`, `drafted` or `marked`.
    pub stage: String,
    pub external_id: Option<String>,
}

/// Tenants that have an invoice, a payment, a refund of a mirrored payment,
/// a credit note on a mirrored invoice still standing here or a void of a
/// mirrored invoice without a Kill Bill mapping, or whose
/// corrected e-mail or name their Kill Bill account has not been sent yet.
/// Fully mirrored tenants are not returned, so a no-change run sends nothing.
/// (`NOT IN` over the mapped ids plans as one hashed lookup, whatever the
/// table statistics say; `NOT EXISTS` could turn quadratic on fresh tables.)
pub async fn list_tenants_to_mirror(db: impl PgExecutor<'_>) -> Result<Vec<TenantToMirror>, sqlx::Error> {
    sqlx::query_as!(
        TenantToMirror,
        r#"SELECT u.id AS tenant_id, u.display_name, u.email,
                  (SELECT i.currency FROM invoice i WHERE i.tenant_id = u.id
                   ORDER BY i.voided_at IS NOT NULL, i.issued_on, i.number LIMIT 1) AS "currency!",
                  (SELECT r.external_id FROM external_ref r
                   WHERE r.platform = 'killbill' AND r.entity = 'account' AND r.local_id = u.id) AS account_ref,
                  u.profile_version,
                  (SELECT k.version FROM killbill_account_profile k WHERE k.tenant_id = u.id) AS profile_sent
           FROM app_user u
           WHERE u.id IN (
               SELECT pu.id FROM app_user pu
               WHERE pu.profile_version > 0
                 AND pu.profile_version > COALESCE((SELECT k.version FROM killbill_account_profile k
                                                    WHERE k.tenant_id = pu.id), 0)
                 AND pu.id IN (SELECT r.local_id FROM external_ref r
                               WHERE r.platform = 'killbill' AND r.entity = 'account')
               UNION ALL
               SELECT i.tenant_id FROM invoice i
               WHERE i.voided_at IS NULL
                 AND i.id NOT IN (SELECT r.local_id FROM external_ref r
                                  WHERE r.platform = 'killbill' AND r.entity = 'invoice')
               UNION ALL
               SELECT p.tenant_id FROM payment p JOIN invoice pi ON pi.id = p.invoice_id
               WHERE pi.voided_at IS NULL
                 AND p.id NOT IN (SELECT r.local_id FROM external_ref r
                                  WHERE r.platform = 'killbill' AND r.entity = 'payment')
               UNION ALL
               SELECT f.tenant_id FROM payment_refund f
               WHERE f.payment_id IN (SELECT r.local_id FROM external_ref r
                                      WHERE r.platform = 'killbill' AND r.entity = 'payment')
                 AND f.id NOT IN (SELECT r.local_id FROM external_ref r
                                  WHERE r.platform = 'killbill' AND r.entity = 'refund')
               UNION ALL
               SELECT c.tenant_id FROM credit_note c JOIN invoice ci ON ci.id = c.invoice_id
               WHERE ci.voided_at IS NULL
                 AND c.invoice_id IN (SELECT r.local_id FROM external_ref r
                                      WHERE r.platform = 'killbill' AND r.entity = 'invoice')
                 AND c.id NOT IN (SELECT r.local_id FROM external_ref r
                                  WHERE r.platform = 'killbill' AND r.entity = 'credit_note')
               UNION ALL
               SELECT vi.tenant_id FROM invoice vi
               WHERE vi.voided_at IS NOT NULL
                 AND vi.id IN (SELECT r.local_id FROM external_ref r
                               WHERE r.platform = 'killbill' AND r.entity = 'invoice')
                 AND vi.id NOT IN (SELECT r.local_id FROM external_ref r
                                   WHERE r.platform = 'killbill' AND r.entity = 'invoice_void'))
           ORDER BY u.id"#
    )
    .fetch_all(db)
    .await
}

/// Invoices and payments already mapped (what a run skips).
pub async fn count_mirrored(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM external_ref
           WHERE platform = 'killbill' AND entity IN ('invoice', 'payment')"#
    )
    .fetch_one(db)
    .await
}

/// Invoices and payments still to mirror (for the progress bar).
pub async fn count_to_mirror(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT (SELECT count(*) FROM invoice i
                   WHERE i.id NOT IN (SELECT r.local_id FROM external_ref r
                                      WHERE r.platform = 'killbill' AND r.entity = 'invoice'))
                + (SELECT count(*) FROM payment p
                   WHERE p.id NOT IN (SELECT r.local_id FROM external_ref r
                                      WHERE r.platform = 'killbill' AND r.entity = 'payment')) AS "n!""#
    )
    .fetch_one(db)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A tenant's invoices without a Kill Bill mapping, oldest first.
pub async fn list_invoices_to_mirror(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<Vec<InvoiceToMirror>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceToMirror,
        r#"SELECT i.id, i.number, i.currency AS "currency!", i.period_start, i.period_end, i.issued_on,
                  i.voided_at IS NOT NULL AS "voided!"
           FROM invoice i
           WHERE i.tenant_id = $1
             AND NOT EXISTS (SELECT 1 FROM external_ref r WHERE r.platform = 'killbill'
                             AND r.entity = 'invoice' AND r.local_id = i.id)
           ORDER BY i.issued_on, i.number"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// A tenant's invoices voided here after they were mirrored, whose void is
/// not mirrored yet, oldest first.
pub async fn list_voids_to_mirror(db: impl PgExecutor<'_>, tenant_id: Uuid) -> Result<Vec<VoidToMirror>, sqlx::Error> {
    sqlx::query_as!(
        VoidToMirror,
        r#"SELECT i.id AS invoice_id, i.number, r.external_id AS invoice_ref
           FROM invoice i
           JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'invoice' AND r.local_id = i.id
           WHERE i.tenant_id = $1 AND i.voided_at IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM external_ref v WHERE v.platform = 'killbill'
                             AND v.entity = 'invoice_void' AND v.local_id = i.id)
           ORDER BY i.issued_on, i.number"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// A tenant's refunds of mirrored payments that are not mirrored yet, oldest first.
pub async fn list_refunds_to_mirror(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<Vec<RefundToMirror>, sqlx::Error> {
    sqlx::query_as!(
        RefundToMirror,
        r#"SELECT f.id, f.payment_id, f.amount_minor, p.currency AS "currency!", p.reference AS payment_reference,
                  r.external_id AS payment_ref
           FROM payment_refund f JOIN payment p ON p.id = f.payment_id
           JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'payment' AND r.local_id = f.payment_id
           WHERE f.tenant_id = $1
             AND NOT EXISTS (SELECT 1 FROM external_ref m WHERE m.platform = 'killbill'
                             AND m.entity = 'refund' AND m.local_id = f.id)
           ORDER BY f.created_at, f.id"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// A tenant's credit notes on mirrored invoices that are not mirrored yet,
/// oldest first. A note on an invoice voided here needs nothing in Kill Bill:
/// the void takes the whole invoice back there (or, when the invoice was never
/// mirrored, nothing of it is there), so such notes are left out.
pub async fn list_credit_notes_to_mirror(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<Vec<CreditNoteToMirror>, sqlx::Error> {
    sqlx::query_as!(
        CreditNoteToMirror,
        r#"SELECT c.id, c.number, c.invoice_id, i.number AS invoice_number, c.amount_minor,
                  c.currency AS "currency!", r.external_id AS invoice_ref
           FROM credit_note c JOIN invoice i ON i.id = c.invoice_id
           JOIN external_ref r ON r.platform = 'killbill' AND r.entity = 'invoice' AND r.local_id = c.invoice_id
           WHERE c.tenant_id = $1 AND i.voided_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM external_ref m WHERE m.platform = 'killbill'
                             AND m.entity = 'credit_note' AND m.local_id = c.id)
           ORDER BY c.created_at, c.number"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// The parts of the given credit notes, by note then line.
pub async fn list_parts_of_credit_notes(
    db: impl PgExecutor<'_>,
    credit_note_ids: &[Uuid],
) -> Result<Vec<CreditNotePartToMirror>, sqlx::Error> {
    sqlx::query_as!(
        CreditNotePartToMirror,
        "SELECT credit_note_id, line_position, amount_minor FROM credit_note_part
         WHERE credit_note_id = ANY($1) ORDER BY credit_note_id, line_position",
        credit_note_ids
    )
    .fetch_all(db)
    .await
}

/// The lines of the given invoices, in order.
pub async fn list_lines_of_invoices(
    db: impl PgExecutor<'_>,
    invoice_ids: &[Uuid],
) -> Result<Vec<LineToMirror>, sqlx::Error> {
    sqlx::query_as!(
        LineToMirror,
        "SELECT invoice_id, position, description, amount_minor FROM invoice_line
         WHERE invoice_id = ANY($1) ORDER BY invoice_id, position",
        invoice_ids
    )
    .fetch_all(db)
    .await
}

/// A tenant's payments without a Kill Bill mapping, oldest first.
pub async fn list_payments_to_mirror(
    db: impl PgExecutor<'_>,
    tenant_id: Uuid,
) -> Result<Vec<PaymentToMirror>, sqlx::Error> {
    sqlx::query_as!(
        PaymentToMirror,
        r#"SELECT p.id, p.invoice_id, p.amount_minor, p.currency AS "currency!", p.reference,
                  i.number AS invoice_number, i.voided_at IS NOT NULL AS "invoice_voided!",
                  (SELECT r.external_id FROM external_ref r WHERE r.platform = 'killbill'
                   AND r.entity = 'invoice' AND r.local_id = p.invoice_id) AS invoice_ref
           FROM payment p JOIN invoice i ON i.id = p.invoice_id
           WHERE p.tenant_id = $1
             AND NOT EXISTS (SELECT 1 FROM external_ref r WHERE r.platform = 'killbill'
                             AND r.entity = 'payment' AND r.local_id = p.id)
           ORDER BY p.received_at, p.id"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// Records that the Kill Bill account of `tenant_id` holds its profile `version`.
pub async fn record_profile_sent(db: impl PgExecutor<'_>, tenant_id: Uuid, version: i32) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO killbill_account_profile (tenant_id, version) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET version = GREATEST(killbill_account_profile.version, EXCLUDED.version),
                                               sent_at = now()",
        tenant_id,
        version
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The unconfirmed write of a local record, if any.
pub async fn find_pending(
    db: impl PgExecutor<'_>,
    entity: &str,
    local_id: Uuid,
) -> Result<Option<PendingWrite>, sqlx::Error> {
    sqlx::query_as!(
        PendingWrite,
        "SELECT stage, external_id FROM killbill_pending WHERE entity = $1 AND local_id = $2",
        entity,
        local_id
    )
    .fetch_optional(db)
    .await
}

/// Records (or advances) the unconfirmed write of a local record.
pub async fn save_pending(
    db: impl PgExecutor<'_>,
    entity: &str,
    local_id: Uuid,
    stage: &str,
    external_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO killbill_pending (entity, local_id, stage, external_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (entity, local_id) DO UPDATE
         SET stage = EXCLUDED.stage, external_id = EXCLUDED.external_id, updated_at = now()",
        entity,
        local_id,
        stage,
        external_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the unconfirmed write once its result is mapped (or refused).
pub async fn delete_pending(db: impl PgExecutor<'_>, entity: &str, local_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM killbill_pending WHERE entity = $1 AND local_id = $2", entity, local_id)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;
    use crate::server::store::external_ref::link_external_id;

    #[sqlx::test(migrations = "../migrations")]
    async fn a_pending_write_advances_and_is_forgotten(pool: sqlx::PgPool) {
        let id = Uuid::from_u128(7);
        assert_eq!(find_pending(&pool, "invoice", id).await.unwrap(), None);
        save_pending(&pool, "invoice", id, "sent", None).await.unwrap();
        save_pending(&pool, "invoice", id, "drafted", Some("kb-1")).await.unwrap();
        let pending = find_pending(&pool, "invoice", id).await.unwrap().unwrap();
        assert_eq!(pending, PendingWrite { stage: "drafted".into(), external_id: Some("kb-1".into()) });
        delete_pending(&pool, "invoice", id).await.unwrap();
        assert_eq!(find_pending(&pool, "invoice", id).await.unwrap(), None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_tenant_leaves_the_work_list_once_everything_is_mapped(pool: sqlx::PgPool) {
        let anchor = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        crate::server::seed::seed_demo(&pool, anchor, None).await.unwrap();
        let tenants = list_tenants_to_mirror(&pool).await.unwrap();
        assert_eq!(tenants.len(), 50);
        let first = &tenants[0];
        for (n, inv) in list_invoices_to_mirror(&pool, first.tenant_id).await.unwrap().iter().enumerate() {
            link_external_id(&pool, Platform::KillBill, "invoice", inv.id, &format!("i{n}")).await.unwrap();
        }
        for (n, pay) in list_payments_to_mirror(&pool, first.tenant_id).await.unwrap().iter().enumerate() {
            assert!(pay.invoice_ref.is_some());
            link_external_id(&pool, Platform::KillBill, "payment", pay.id, &format!("p{n}")).await.unwrap();
        }
        let left = list_tenants_to_mirror(&pool).await.unwrap();
        assert_eq!(left.len(), 49);
        assert!(left.iter().all(|t| t.tenant_id != first.tenant_id));
    }
}
