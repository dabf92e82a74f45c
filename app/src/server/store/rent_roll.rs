//! The rent roll's figures: per property and month, what was invoiced and
//! paid; per property and month, how many units were let; per property, what
//! is overdue by age. Scoped to a landlord's properties (every one with `None`).

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

/// Invoiced and paid for one property, currency and month.
#[derive(Debug, Clone)]
pub struct MonthRow {
    pub property_id: Uuid,
    pub property_name: String,
    pub currency: String,
    pub period_start: NaiveDate,
    pub due_minor: i64,
    pub paid_minor: i64,
}

/// Live invoices of months `[from, to]`, summed per property, currency and month.
pub async fn list_months(
    db: impl PgExecutor<'_>,
    landlord: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MonthRow>, sqlx::Error> {
    sqlx::query_as!(
        MonthRow,
        r#"SELECT p.id AS property_id, p.name AS property_name, i.currency AS "currency!", i.period_start,
                  sum(i.total_minor - i.credited_minor)::bigint AS "due_minor!",
                  COALESCE(sum(pay.paid), 0)::bigint AS "paid_minor!"
           FROM invoice i
           JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
           LEFT JOIN LATERAL (SELECT sum(amount_minor - refunded_minor) AS paid FROM payment WHERE invoice_id = i.id) pay ON true
           WHERE i.voided_at IS NULL AND ($1::uuid IS NULL OR p.landlord_id = $1)
             AND i.period_start BETWEEN $2 AND $3
           GROUP BY p.id, p.name, i.currency, i.period_start
           ORDER BY p.name, p.id, i.period_start"#,
        landlord,
        from,
        to
    )
    .fetch_all(db)
    .await
}

/// Units of one property, and how many were let on some day of a month.
#[derive(Debug, Clone)]
pub struct OccupancyRow {
    pub property_id: Uuid,
    pub month: NaiveDate,
    pub units: i64,
    pub let_units: i64,
}

/// Occupancy of every property in scope for each month of `[from, to]`.
pub async fn list_occupancy(
    db: impl PgExecutor<'_>,
    landlord: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<OccupancyRow>, sqlx::Error> {
    sqlx::query_as!(
        OccupancyRow,
        r#"SELECT p.id AS property_id, m.month::date AS "month!",
                  count(DISTINCT u.id) AS "units!",
                  count(DISTINCT l.unit_id) AS "let_units!"
           FROM property p
           JOIN unit u ON u.property_id = p.id
           CROSS JOIN generate_series($2::date, $3::date, interval '1 month') AS m (month)
           LEFT JOIN lease l ON l.unit_id = u.id AND l.starts_on <= (m.month + interval '1 month - 1 day')::date
                             AND (l.ends_on IS NULL OR l.ends_on >= m.month::date)
           WHERE ($1::uuid IS NULL OR p.landlord_id = $1)
           GROUP BY p.id, m.month
           ORDER BY p.id, m.month"#,
        landlord,
        from,
        to
    )
    .fetch_all(db)
    .await
}

/// What is overdue on one property, by how late it is.
#[derive(Debug, Clone)]
pub struct ArrearsRow {
    pub property_id: Uuid,
    pub currency: String,
    pub up_to_30_minor: i64,
    pub up_to_60_minor: i64,
    pub over_60_minor: i64,
}

/// Unpaid amounts of live invoices past their due day on `today`, per property
/// and currency, in three ages: 1 to 30 days late, 31 to 60, more than 60.
pub async fn list_arrears(
    db: impl PgExecutor<'_>,
    landlord: Option<Uuid>,
    today: NaiveDate,
) -> Result<Vec<ArrearsRow>, sqlx::Error> {
    sqlx::query_as!(
        ArrearsRow,
        r#"WITH open AS (
             SELECT p.id AS property_id, i.currency, ($2::date - i.due_on) AS late,
                    i.total_minor - i.credited_minor - COALESCE((SELECT sum(amount_minor - refunded_minor) FROM payment WHERE invoice_id = i.id), 0) AS left_minor
             FROM invoice i
             JOIN lease l ON l.id = i.lease_id JOIN unit u ON u.id = l.unit_id JOIN property p ON p.id = u.property_id
             WHERE i.voided_at IS NULL AND i.due_on < $2 AND ($1::uuid IS NULL OR p.landlord_id = $1))
           SELECT property_id AS "property_id!", currency AS "currency!",
                  COALESCE(sum(left_minor) FILTER (WHERE late <= 30), 0)::bigint AS "up_to_30_minor!",
                  COALESCE(sum(left_minor) FILTER (WHERE late BETWEEN 31 AND 60), 0)::bigint AS "up_to_60_minor!",
                  COALESCE(sum(left_minor) FILTER (WHERE late > 60), 0)::bigint AS "over_60_minor!"
           FROM open WHERE left_minor > 0
           GROUP BY property_id, currency"#,
        landlord,
        today
    )
    .fetch_all(db)
    .await
}
