//! `invoice` and `invoice_line`: rent invoices and what they are made of.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// An invoice with the amount paid so far.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub number: String,
    pub lease_id: Uuid,
    pub tenant_id: Uuid,
    pub period_start: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub currency: String,
    pub total_minor: i64,
    /// What credit notes took back of it.
    pub credited_minor: i64,
    pub paid_minor: i64,
    pub voided: bool,
}

/// One line of an invoice to create.
#[derive(Debug, Clone)]
pub struct NewInvoiceLine {
    pub description: String,
    pub quantity: i32,
    pub unit_amount_minor: i64,
}

/// An invoice to create; its total is the sum of its lines.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub id: Uuid,
    pub number: String,
    pub lease_id: Uuid,
    pub tenant_id: Uuid,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub currency: String,
    pub lines: Vec<NewInvoiceLine>,
}

impl NewInvoice {
    /// The sum of the lines, in minor units.
    pub fn total_minor(&self) -> i64 {
        self.lines.iter().map(|l| i64::from(l.quantity) * l.unit_amount_minor).sum()
    }
}

/// Creates the invoice and its lines unless its id exists, in the caller's
/// transaction. Returns whether it was written.
pub async fn insert_invoice_if_absent(conn: &mut PgConnection, inv: &NewInvoice) -> Result<bool, sqlx::Error> {
    let written = sqlx::query!(
        "INSERT INTO invoice (id, number, lease_id, tenant_id, period_start, period_end, issued_on, due_on,
                              currency, total_minor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
        inv.id,
        inv.number,
        inv.lease_id,
        inv.tenant_id,
        inv.period_start,
        inv.period_end,
        inv.issued_on,
        inv.due_on,
        inv.currency,
        inv.total_minor()
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !written {
        return Ok(false);
    }
    for (i, line) in inv.lines.iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        sqlx::query!(
            "INSERT INTO invoice_line (id, invoice_id, position, description, quantity, unit_amount_minor, amount_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            Uuid::new_v5(&inv.id, &position.to_be_bytes()),
            inv.id,
            position,
            line.description,
            line.quantity,
            line.unit_amount_minor,
            i64::from(line.quantity) * line.unit_amount_minor
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// A tenant's invoices with their paid amounts, newest first.
pub async fn list_invoices_of_tenant(db: impl PgExecutor<'_>, tenant_id: Uuid) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceRow,
        r#"SELECT i.id, i.number, i.lease_id, i.tenant_id, i.period_start, i.issued_on, i.due_on,
                  i.currency AS "currency!", i.total_minor, i.credited_minor,
                  COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p WHERE p.invoice_id = i.id), 0)::bigint AS "paid_minor!",
                  i.voided_at IS NOT NULL AS "voided!"
           FROM invoice i WHERE i.tenant_id = $1 ORDER BY i.issued_on DESC, i.number DESC"#,
        tenant_id
    )
    .fetch_all(db)
    .await
}

/// One invoice, only if it belongs to `tenant_id` (`None` for admins: any),
/// so another tenant's invoice is indistinguishable from a missing one.
pub async fn find_invoice_of_tenant(
    db: impl PgExecutor<'_>,
    tenant_id: Option<Uuid>,
    invoice_id: Uuid,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceRow,
        r#"SELECT i.id, i.number, i.lease_id, i.tenant_id, i.period_start, i.issued_on, i.due_on,
                  i.currency AS "currency!", i.total_minor, i.credited_minor,
                  COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p WHERE p.invoice_id = i.id), 0)::bigint AS "paid_minor!",
                  i.voided_at IS NOT NULL AS "voided!"
           FROM invoice i WHERE ($1::uuid IS NULL OR i.tenant_id = $1) AND i.id = $2"#,
        tenant_id,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// An invoice as the back office lists it, with what is paid.
#[derive(Debug, Clone)]
pub struct InvoiceListRow {
    pub id: Uuid,
    pub number: String,
    pub lease_id: Uuid,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub period_start: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub currency: String,
    pub total_minor: i64,
    /// What credit notes took back of it.
    pub credited_minor: i64,
    pub paid_minor: i64,
    pub voided: bool,
}

/// Invoices of `landlord`'s properties (every one with `None`), optionally
/// of one tenant and one month, newest first, a page at a time.
pub async fn list_invoices_scoped(
    db: impl PgExecutor<'_>,
    landlord: Option<Uuid>,
    tenant_id: Option<Uuid>,
    period_start: Option<NaiveDate>,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<InvoiceListRow>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceListRow,
        r#"SELECT i.id, i.number, i.lease_id, i.tenant_id, t.display_name AS tenant_name, i.period_start,
                  i.issued_on, i.due_on, i.currency AS "currency!", i.total_minor, i.credited_minor,
                  COALESCE((SELECT sum(p.amount_minor - p.refunded_minor) FROM payment p WHERE p.invoice_id = i.id), 0)::bigint
                      AS "paid_minor!",
                  i.voided_at IS NOT NULL AS "voided!"
           FROM invoice i JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id
           JOIN property pr ON pr.id = u.property_id JOIN app_user t ON t.id = i.tenant_id
           WHERE ($1::uuid IS NULL OR pr.landlord_id = $1) AND ($2::uuid IS NULL OR i.tenant_id = $2)
             AND ($3::date IS NULL OR i.period_start = $3)
             AND ($6::text IS NULL OR strpos(lower(i.number || ' ' || t.display_name || ' ' || t.email), lower($6)) > 0)
           ORDER BY i.period_start DESC, i.created_at DESC, i.number DESC LIMIT $4 OFFSET $5"#,
        landlord,
        tenant_id,
        period_start,
        limit,
        offset,
        search
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::server::store::lease::insert_lease_if_absent;
    use crate::server::store::lease::tests::{lease, setup};

    pub(crate) fn invoice(n: u128, lease: u128, tenant: u128, month: u32) -> NewInvoice {
        let start = NaiveDate::from_ymd_opt(2026, month, 1).unwrap();
        NewInvoice {
            id: Uuid::from_u128(n),
            number: format!("INV-{n}"),
            lease_id: Uuid::from_u128(lease),
            tenant_id: Uuid::from_u128(tenant),
            period_start: start,
            period_end: start + chrono::Days::new(27),
            issued_on: start,
            due_on: start + chrono::Days::new(5),
            currency: "EUR".into(),
            lines: vec![
                NewInvoiceLine { description: "Rent".into(), quantity: 1, unit_amount_minor: 95_000 },
                NewInvoiceLine { description: "Service charge".into(), quantity: 1, unit_amount_minor: 6_000 },
            ],
        }
    }

    /// `setup` plus a lease (1000) of tenant 2 and one of tenant 3 (1001).
    pub(crate) async fn setup_leases(pool: &sqlx::PgPool) {
        setup(pool).await;
        insert_lease_if_absent(pool, &lease(1000, 100, 2)).await.unwrap();
        insert_lease_if_absent(pool, &lease(1001, 101, 3)).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_invoice_is_written_once_with_its_lines_and_total(pool: sqlx::PgPool) {
        setup_leases(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        assert!(insert_invoice_if_absent(&mut tx, &invoice(1, 1000, 2, 1)).await.unwrap());
        assert!(!insert_invoice_if_absent(&mut tx, &invoice(1, 1000, 2, 1)).await.unwrap());
        tx.commit().await.unwrap();
        let lines: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_line").fetch_one(&pool).await.unwrap();
        assert_eq!(lines, 2);
        let invoices = list_invoices_of_tenant(&pool, Uuid::from_u128(2)).await.unwrap();
        assert_eq!(invoices.len(), 1);
        assert_eq!(invoices[0].total_minor, 101_000);
        assert_eq!(invoices[0].paid_minor, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn another_tenants_invoice_looks_missing(pool: sqlx::PgPool) {
        setup_leases(&pool).await;
        let mut conn = pool.acquire().await.unwrap();
        insert_invoice_if_absent(&mut conn, &invoice(1, 1000, 2, 1)).await.unwrap();
        let id = Uuid::from_u128(1);
        assert!(find_invoice_of_tenant(&pool, Some(Uuid::from_u128(2)), id).await.unwrap().is_some());
        assert!(find_invoice_of_tenant(&pool, Some(Uuid::from_u128(3)), id).await.unwrap().is_none());
        assert!(find_invoice_of_tenant(&pool, None, id).await.unwrap().is_some(), "admins see every invoice");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_lease_is_invoiced_once_per_period(pool: sqlx::PgPool) {
        setup_leases(&pool).await;
        let mut conn = pool.acquire().await.unwrap();
        insert_invoice_if_absent(&mut conn, &invoice(1, 1000, 2, 1)).await.unwrap();
        assert!(insert_invoice_if_absent(&mut conn, &invoice(2, 1000, 2, 1)).await.is_err());
    }
}
