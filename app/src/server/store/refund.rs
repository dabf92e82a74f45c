//! `payment_refund`: money given back on a payment, in part or in full.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// A payment as a refund of it needs it, with its invoice.
#[derive(Debug, Clone)]
pub struct RefundablePayment {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    pub currency: String,
    pub received_on: NaiveDate,
    pub invoice_id: Uuid,
    pub invoice_number: String,
    pub invoice_total_minor: i64,
    pub invoice_credited_minor: i64,
}

/// Locks a payment of `landlord`'s properties (any with `None`) and its
/// invoice (invoice first, as payments do) for the caller's transaction, so
/// two refunds at once cannot both fit in what is left of it.
pub async fn lock_refundable_payment(
    conn: &mut PgConnection,
    payment_id: Uuid,
    landlord: Option<Uuid>,
) -> Result<Option<RefundablePayment>, sqlx::Error> {
    let invoice = sqlx::query_scalar!(
        "SELECT i.id FROM payment p JOIN invoice i ON i.id = p.invoice_id
         JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id JOIN property pr ON pr.id = u.property_id
         WHERE p.id = $1 AND ($2::uuid IS NULL OR pr.landlord_id = $2)",
        payment_id,
        landlord
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(invoice) = invoice else { return Ok(None) };
    sqlx::query!("SELECT id FROM invoice WHERE id = $1 FOR UPDATE", invoice).fetch_one(&mut *conn).await?;
    sqlx::query_as!(
        RefundablePayment,
        r#"SELECT p.id, p.tenant_id, p.amount_minor, p.refunded_minor, p.currency AS "currency!",
                  (p.received_at AT TIME ZONE 'UTC')::date AS "received_on!",
                  i.id AS invoice_id, i.number AS invoice_number, i.total_minor AS invoice_total_minor,
                  i.credited_minor AS invoice_credited_minor
           FROM payment p JOIN invoice i ON i.id = p.invoice_id WHERE p.id = $1 FOR UPDATE OF p"#,
        payment_id
    )
    .fetch_optional(&mut *conn)
    .await
}

/// The id of the invoice numbered `number` (the command line names invoices so).
pub async fn invoice_id_by_number(db: impl sqlx::PgExecutor<'_>, number: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM invoice WHERE number = $1", number.trim()).fetch_optional(db).await
}

/// The id of the payment whose bank or receipt reference is `reference`.
pub async fn payment_id_by_reference(
    db: impl sqlx::PgExecutor<'_>,
    reference: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM payment WHERE reference = $1", reference.trim()).fetch_optional(db).await
}

/// A refund to record.
#[derive(Debug, Clone)]
pub struct NewRefund {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub tenant_id: Uuid,
    pub amount_minor: i64,
    pub refunded_on: NaiveDate,
    pub reason: String,
}

/// Records a refund on a locked payment and adds it to the payment's
/// `refunded_minor`; returns the payment's new total refunded.
pub async fn insert_refund(conn: &mut PgConnection, refund: &NewRefund) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO payment_refund (id, payment_id, tenant_id, amount_minor, refunded_on, reason)
         VALUES ($1, $2, $3, $4, $5, $6)",
        refund.id,
        refund.payment_id,
        refund.tenant_id,
        refund.amount_minor,
        refund.refunded_on,
        refund.reason
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        "UPDATE payment SET refunded_minor = refunded_minor + $2, updated_at = now() WHERE id = $1
         RETURNING refunded_minor",
        refund.payment_id,
        refund.amount_minor
    )
    .fetch_one(&mut *conn)
    .await
}

/// A payment of an invoice, with what of it is refunded.
#[derive(Debug, Clone)]
pub struct PaymentOfInvoice {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    pub received_on: NaiveDate,
    pub method: String,
    pub reference: String,
}

/// The payments of the given invoices, by invoice then day received.
pub async fn list_payments_of_invoices(
    db: impl sqlx::PgExecutor<'_>,
    invoice_ids: &[Uuid],
) -> Result<Vec<PaymentOfInvoice>, sqlx::Error> {
    sqlx::query_as!(
        PaymentOfInvoice,
        r#"SELECT id, invoice_id, amount_minor, refunded_minor, (received_at AT TIME ZONE 'UTC')::date AS "received_on!",
                  method, reference
           FROM payment WHERE invoice_id = ANY($1) ORDER BY invoice_id, received_at, id"#,
        invoice_ids
    )
    .fetch_all(db)
    .await
}
