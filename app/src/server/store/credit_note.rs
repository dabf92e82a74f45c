//! `credit_note`: part of an issued invoice taken back by a new document,
//! numbered in its own gapless yearly series, with the share of each invoice
//! line it takes back.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// An invoice as a credit note on it needs it.
#[derive(Debug, Clone)]
pub struct CreditableInvoice {
    pub id: Uuid,
    pub number: String,
    pub tenant_id: Uuid,
    pub currency: String,
    pub total_minor: i64,
    pub credited_minor: i64,
    pub issued_on: NaiveDate,
    pub voided: bool,
}

/// Locks an invoice of `landlord`'s properties (any with `None`) for the
/// caller's transaction, so two notes (or a note and a payment) at once
/// cannot both fit in what is still due.
pub async fn lock_creditable_invoice(
    conn: &mut PgConnection,
    invoice_id: Uuid,
    landlord: Option<Uuid>,
) -> Result<Option<CreditableInvoice>, sqlx::Error> {
    sqlx::query_as!(
        CreditableInvoice,
        r#"SELECT i.id, i.number, i.tenant_id, i.currency AS "currency!", i.total_minor, i.credited_minor,
                  i.issued_on, i.voided_at IS NOT NULL AS "voided!"
           FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
           JOIN property pr ON pr.id = u.property_id
           WHERE i.id = $1 AND ($2::uuid IS NULL OR pr.landlord_id = $2)
           FOR UPDATE OF i"#,
        invoice_id,
        landlord
    )
    .fetch_optional(conn)
    .await
}

/// An invoice line with what earlier notes took back of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineLeft {
    pub position: i32,
    pub amount_minor: i64,
    pub credited_minor: i64,
}

/// The lines of an invoice, by position, each with what is credited on it.
pub async fn lines_left(conn: &mut PgConnection, invoice_id: Uuid) -> Result<Vec<LineLeft>, sqlx::Error> {
    sqlx::query_as!(
        LineLeft,
        r#"SELECT l.position, l.amount_minor,
                  COALESCE((SELECT sum(p.amount_minor) FROM credit_note_part p JOIN credit_note n ON n.id = p.credit_note_id
                            WHERE n.invoice_id = l.invoice_id AND p.line_position = l.position), 0)::bigint AS "credited_minor!"
           FROM invoice_line l WHERE l.invoice_id = $1 ORDER BY l.position"#,
        invoice_id
    )
    .fetch_all(conn)
    .await
}

/// Takes the next credit note number of `year` in the caller's transaction
/// (gapless: a rolled-back note gives its number back).
pub async fn take_number(conn: &mut PgConnection, year: i32) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO credit_note_sequence (year, last_number) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_number = credit_note_sequence.last_number + 1
         RETURNING last_number",
        year
    )
    .fetch_one(conn)
    .await
}

/// A credit note to record.
#[derive(Debug, Clone)]
pub struct NewCreditNote {
    pub id: Uuid,
    pub number: String,
    pub invoice_id: Uuid,
    pub tenant_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub issued_on: NaiveDate,
    pub reason: String,
    /// `(line position, amount)`: the share of each line it takes back.
    pub parts: Vec<(i32, i64)>,
}

/// Records a note on a locked invoice and adds it to the invoice's
/// `credited_minor`; returns the invoice's new total credited.
pub async fn insert(conn: &mut PgConnection, note: &NewCreditNote) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO credit_note (id, number, invoice_id, tenant_id, amount_minor, currency, issued_on, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        note.id,
        note.number,
        note.invoice_id,
        note.tenant_id,
        note.amount_minor,
        note.currency,
        note.issued_on,
        note.reason
    )
    .execute(&mut *conn)
    .await?;
    let (positions, amounts): (Vec<i32>, Vec<i64>) = note.parts.iter().copied().unzip();
    sqlx::query!(
        "INSERT INTO credit_note_part (credit_note_id, line_position, amount_minor)
         SELECT $1, p, a FROM unnest($2::int[], $3::bigint[]) AS t (p, a)",
        note.id,
        &positions,
        &amounts
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        "UPDATE invoice SET credited_minor = credited_minor + $2, updated_at = now() WHERE id = $1
         RETURNING credited_minor",
        note.invoice_id,
        note.amount_minor
    )
    .fetch_one(&mut *conn)
    .await
}

/// A credit note as the invoice lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteOfInvoice {
    pub id: Uuid,
    pub number: String,
    pub invoice_id: Uuid,
    pub amount_minor: i64,
    pub issued_on: NaiveDate,
    pub reason: String,
}

/// The credit notes of the given invoices, by invoice then number.
pub async fn of_invoices(
    db: impl sqlx::PgExecutor<'_>,
    invoice_ids: &[Uuid],
) -> Result<Vec<CreditNoteOfInvoice>, sqlx::Error> {
    sqlx::query_as!(
        CreditNoteOfInvoice,
        "SELECT id, number, invoice_id, amount_minor, issued_on, reason
         FROM credit_note WHERE invoice_id = ANY($1) ORDER BY invoice_id, number",
        invoice_ids
    )
    .fetch_all(db)
    .await
}
