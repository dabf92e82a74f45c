//! `payment`: money received against an invoice.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A payment as stored.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub received_at: DateTime<Utc>,
    pub method: String,
    pub reference: String,
    pub refunded_minor: i64,
}

/// A payment to record.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub tenant_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub received_at: DateTime<Utc>,
    pub method: String,
    pub reference: String,
}

/// Records the payment unless its id or bank reference is known. Returns whether it was written.
pub async fn insert_payment_if_absent(db: impl PgExecutor<'_>, p: &NewPayment) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "INSERT INTO payment (id, invoice_id, tenant_id, amount_minor, currency, received_at, method, reference)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        p.id,
        p.invoice_id,
        p.tenant_id,
        p.amount_minor,
        p.currency,
        p.received_at,
        p.method,
        p.reference
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A tenant's payments, newest first.
pub async fn list_payments_of_tenant(db: impl PgExecutor<'_>, tenant_id: Uuid) -> Result<Vec<PaymentRow>, sqlx::Error> {
    sqlx::query_as!(
        PaymentRow,
        r#"SELECT id, invoice_id, amount_minor, currency AS "currency!", received_at, method, reference, refunded_minor
           FROM payment WHERE tenant_id = $1 ORDER BY received_at DESC, id"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// An invoice as a payment against it needs it, with what is paid so far.
#[derive(Debug, Clone)]
pub struct PayableInvoice {
    pub id: Uuid,
    pub number: String,
    pub tenant_id: Uuid,
    pub currency: String,
    pub total_minor: i64,
    /// What credit notes took back of it.
    pub credited_minor: i64,
    pub paid_minor: i64,
    pub voided: bool,
}

/// Locks an invoice of `landlord`'s properties (any with `None`) for the
/// caller's transaction, so two payments at once cannot both fit in what is
/// left to pay. The amount paid is read after the lock is held (a statement
/// that waited for the lock still sees its own, older snapshot).
pub async fn lock_payable_invoice(
    conn: &mut sqlx::PgConnection,
    invoice_id: Uuid,
    landlord: Option<Uuid>,
) -> Result<Option<PayableInvoice>, sqlx::Error> {
    let locked = sqlx::query!(
        r#"SELECT i.id, i.number, i.tenant_id, i.currency AS "currency!", i.total_minor, i.credited_minor,
                  i.voided_at IS NOT NULL AS "voided!"
           FROM invoice i
           JOIN lease l ON l.id = i.lease_id
           JOIN unit u ON u.id = l.unit_id
           JOIN property pr ON pr.id = u.property_id
           WHERE i.id = $1 AND ($2::uuid IS NULL OR pr.landlord_id = $2)
           FOR UPDATE OF i"#,
        invoice_id,
        landlord
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(invoice) = locked else { return Ok(None) };
    let paid_minor = paid_on_invoice(&mut *conn, invoice_id).await?;
    Ok(Some(PayableInvoice {
        id: invoice.id,
        number: invoice.number,
        tenant_id: invoice.tenant_id,
        currency: invoice.currency,
        total_minor: invoice.total_minor,
        credited_minor: invoice.credited_minor,
        paid_minor,
        voided: invoice.voided,
    }))
}

/// What is paid on an invoice, net of refunds.
pub async fn paid_on_invoice(db: impl PgExecutor<'_>, invoice_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(amount_minor - refunded_minor), 0)::bigint AS "paid!" FROM payment WHERE invoice_id = $1"#,
        invoice_id
    )
    .fetch_one(db)
    .await
}

/// Voids a locked, unvoided invoice with its reason; the time it was voided.
pub async fn void_invoice(
    conn: &mut sqlx::PgConnection,
    invoice_id: Uuid,
    reason: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE invoice SET voided_at = now(), void_reason = $2, updated_at = now()
           WHERE id = $1 AND voided_at IS NULL RETURNING voided_at AS "voided_at!""#,
        invoice_id,
        reason
    )
    .fetch_optional(&mut *conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::invoice::tests::{invoice, setup_leases};
    use crate::server::store::invoice::{insert_invoice_if_absent, list_invoices_of_tenant};

    fn payment(n: u128, amount: i64, reference: &str) -> NewPayment {
        NewPayment {
            id: Uuid::from_u128(n),
            invoice_id: Uuid::from_u128(1),
            tenant_id: Uuid::from_u128(2),
            amount_minor: amount,
            currency: "EUR".into(),
            received_at: Utc::now(),
            method: "bank_transfer".into(),
            reference: reference.into(),
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn payments_add_up_on_the_invoice_and_references_are_unique(pool: sqlx::PgPool) {
        setup_leases(&pool).await;
        let mut conn = pool.acquire().await.unwrap();
        insert_invoice_if_absent(&mut conn, &invoice(1, 1000, 2, 1)).await.unwrap();
        assert!(insert_payment_if_absent(&pool, &payment(50, 60_000, "BANK-1")).await.unwrap());
        assert!(insert_payment_if_absent(&pool, &payment(51, 41_000, "BANK-2")).await.unwrap());
        assert!(!insert_payment_if_absent(&pool, &payment(52, 41_000, "BANK-2")).await.unwrap());
        let invoices = list_invoices_of_tenant(&pool, Uuid::from_u128(2)).await.unwrap();
        assert_eq!(invoices[0].paid_minor, 101_000);
        assert_eq!(list_payments_of_tenant(&pool, Uuid::from_u128(2)).await.unwrap().len(), 2);
        assert!(list_payments_of_tenant(&pool, Uuid::from_u128(3)).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_payment_must_be_positive(pool: sqlx::PgPool) {
        setup_leases(&pool).await;
        let mut conn = pool.acquire().await.unwrap();
        insert_invoice_if_absent(&mut conn, &invoice(1, 1000, 2, 1)).await.unwrap();
        assert!(insert_payment_if_absent(&pool, &payment(50, 0, "BANK-0")).await.is_err());
    }
}
