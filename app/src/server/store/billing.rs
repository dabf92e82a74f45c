//! The rent run's SQL: the leases to bill for a month, their recurring
//! charges, the year's invoice numbers, and the invoices and lines written in
//! bulk (`UNNEST`), one batch per transaction.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A lease with something to pay for a month and no invoice for it yet.
#[derive(Debug, Clone)]
pub struct LeaseToBill {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub rent_minor: i64,
    pub currency: String,
    pub due_day: i16,
}

/// Up to `limit` leases holding their unit on some day of
/// `[period_start, period_end]` with no invoice for `period_start`, after
/// lease `after` in id order (keyset paging). They are locked (`FOR KEY
/// SHARE`) until the caller's transaction ends, so a rent change or a
/// move-out day set meanwhile waits for their invoices, then sees them.
pub async fn list_leases_to_bill(
    db: impl PgExecutor<'_>,
    period_start: NaiveDate,
    period_end: NaiveDate,
    after: Uuid,
    limit: i64,
) -> Result<Vec<LeaseToBill>, sqlx::Error> {
    sqlx::query_as!(
        LeaseToBill,
        r#"SELECT l.id, l.tenant_id, l.starts_on, l.ends_on, l.rent_minor, l.currency AS "currency!", l.due_day
           FROM lease l
           WHERE l.id > $3 AND l.starts_on <= $2 AND (l.ends_on IS NULL OR l.ends_on >= $1)
             AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.lease_id = l.id AND i.period_start = $1)
           ORDER BY l.id LIMIT $4 FOR KEY SHARE OF l"#,
        period_start,
        period_end,
        after,
        limit
    )
    .fetch_all(db)
    .await
}

/// Leases holding their unit in the month that already have its invoice.
pub async fn count_already_billed(
    db: impl PgExecutor<'_>,
    period_start: NaiveDate,
    period_end: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM lease l
           WHERE l.starts_on <= $2 AND (l.ends_on IS NULL OR l.ends_on >= $1)
             AND EXISTS (SELECT 1 FROM invoice i WHERE i.lease_id = l.id AND i.period_start = $1)"#,
        period_start,
        period_end
    )
    .fetch_one(db)
    .await
}

/// A recurring charge of a lease.
#[derive(Debug, Clone)]
pub struct LeaseCharge {
    pub lease_id: Uuid,
    pub description: String,
    pub amount_minor: i64,
}

/// The recurring charges of the given leases still on them, in the order they were added.
pub async fn list_charges(db: impl PgExecutor<'_>, lease_ids: &[Uuid]) -> Result<Vec<LeaseCharge>, sqlx::Error> {
    sqlx::query_as!(
        LeaseCharge,
        "SELECT lease_id, description, amount_minor FROM lease_charge
         WHERE lease_id = ANY($1) AND removed_at IS NULL ORDER BY lease_id, created_at, id",
        lease_ids
    )
    .fetch_all(db)
    .await
}

/// A lease's rent from a day on.
#[derive(Debug, Clone)]
pub struct RentChange {
    pub lease_id: Uuid,
    pub starts_on: NaiveDate,
    pub rent_minor: i64,
}

/// The rent changes of the given leases taking effect on or before `until`
/// (every one with `None`), by lease then day.
pub async fn list_rent_changes(
    db: impl PgExecutor<'_>,
    lease_ids: &[Uuid],
    until: Option<NaiveDate>,
) -> Result<Vec<RentChange>, sqlx::Error> {
    sqlx::query_as!(
        RentChange,
        "SELECT lease_id, starts_on, rent_minor FROM lease_rent_change
         WHERE lease_id = ANY($1) AND ($2::date IS NULL OR starts_on <= $2) ORDER BY lease_id, starts_on",
        lease_ids,
        until
    )
    .fetch_all(db)
    .await
}

/// Takes the next `count` invoice numbers of `year` in the caller's
/// transaction and returns the first; a rollback gives them back.
pub async fn take_invoice_numbers(conn: &mut PgConnection, year: i32, count: i32) -> Result<i32, sqlx::Error> {
    let last = sqlx::query_scalar!(
        "INSERT INTO invoice_sequence (year, last_number) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET last_number = invoice_sequence.last_number + EXCLUDED.last_number
         RETURNING last_number",
        year,
        count
    )
    .fetch_one(conn)
    .await?;
    Ok(last - count + 1)
}

/// Invoices to write at once, column by column.
#[derive(Debug, Default)]
pub struct InvoiceBatch {
    pub ids: Vec<Uuid>,
    pub numbers: Vec<String>,
    pub lease_ids: Vec<Uuid>,
    pub tenant_ids: Vec<Uuid>,
    pub issued_on: Vec<NaiveDate>,
    pub due_on: Vec<NaiveDate>,
    pub currencies: Vec<String>,
    pub totals: Vec<i64>,
}

/// Their lines, column by column.
#[derive(Debug, Default)]
pub struct LineBatch {
    pub ids: Vec<Uuid>,
    pub invoice_ids: Vec<Uuid>,
    pub positions: Vec<i32>,
    pub descriptions: Vec<String>,
    pub amounts: Vec<i64>,
}

/// Writes a batch of invoices for one month and their lines, in the
/// caller's transaction. A lease invoiced meanwhile makes the whole batch
/// fail (the unique `(lease_id, period_start)`), so nothing is half-written.
pub async fn insert_batch(
    conn: &mut PgConnection,
    period_start: NaiveDate,
    period_end: NaiveDate,
    invoices: &InvoiceBatch,
    lines: &LineBatch,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO invoice (id, number, lease_id, tenant_id, period_start, period_end, issued_on, due_on,
                              currency, total_minor)
         SELECT t.id, t.number, t.lease_id, t.tenant_id, $9, $10, t.issued_on, t.due_on, t.currency, t.total
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::date[], $6::date[], $7::text[], $8::bigint[])
              AS t (id, number, lease_id, tenant_id, issued_on, due_on, currency, total)",
        &invoices.ids,
        &invoices.numbers,
        &invoices.lease_ids,
        &invoices.tenant_ids,
        &invoices.issued_on,
        &invoices.due_on,
        &invoices.currencies,
        &invoices.totals,
        period_start,
        period_end
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO invoice_line (id, invoice_id, position, description, quantity, unit_amount_minor, amount_minor)
         SELECT t.id, t.invoice_id, t.position, t.description, 1, t.amount, t.amount
         FROM UNNEST($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::bigint[])
              AS t (id, invoice_id, position, description, amount)",
        &lines.ids,
        &lines.invoice_ids,
        &lines.positions,
        &lines.descriptions,
        &lines.amounts
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
