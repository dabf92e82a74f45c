//! The rent run against a real PostgreSQL: one invoice per lease per month,
//! pro-rated, numbered without gaps, idempotent, and whole after a kill.

use std::time::Duration;

use app::domain::{BillingPeriod, prorate};
use app::server::jobs::billing::{Actor, run_period};
use app::server::jobs::{SyncContext, SyncSettings};
use chrono::NaiveDate;
use rand::Rng;
use sqlx::PgPool;
use uuid::Uuid;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn seeded(pool: &PgPool) -> SyncContext {
    app::server::seed::seed_demo(pool, day(2026, 11, 15), Some("a demo password for tests")).await.unwrap();
    SyncContext::new(pool.clone(), SyncSettings::default()).unwrap()
}

fn cli() -> Actor {
    Actor { user_id: None, name: "cli".into() }
}

/// Leases holding their unit on some day of `period`.
async fn active_leases(pool: &PgPool, period: BillingPeriod) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM lease WHERE starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $1)")
        .bind(period.start())
        .bind(period.end())
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The numbers given in `year` by the rent run, sorted.
async fn numbers(pool: &PgPool, year: i32) -> Vec<i64> {
    let mut n: Vec<i64> = sqlx::query_scalar(
        "SELECT substr(number, 6)::bigint FROM invoice WHERE number ~ '^[0-9]{4}-[0-9]{6}$' AND left(number, 4) = $1",
    )
    .bind(year.to_string())
    .fetch_all(pool)
    .await
    .unwrap();
    n.sort_unstable();
    n
}

/// Invoices whose total is not the sum of their lines.
async fn unbalanced(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM invoice i
         WHERE i.total_minor <> COALESCE((SELECT sum(amount_minor) FROM invoice_line l WHERE l.invoice_id = i.id), -1)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_run_for_the_month_writes_nothing(pool: PgPool) {
    let ctx = seeded(&pool).await;
    let december = BillingPeriod::parse("2026-12").unwrap();
    let leases = active_leases(&pool, december).await;
    assert!(leases > 0);
    let first = run_period(&ctx, december, "cli", &cli()).await.unwrap();
    assert_eq!((i64::from(first.records_out), first.records_skipped), (leases, 0));
    assert_eq!(numbers(&pool, 2026).await, (1..=leases).collect::<Vec<_>>(), "numbered from 1 without a gap");
    let again = run_period(&ctx, december, "cli", &cli()).await.unwrap();
    assert_eq!((again.records_out, i64::from(again.records_skipped)), (0, leases), "nothing written twice");
    assert_eq!(numbers(&pool, 2026).await.len() as i64, leases);
    assert_eq!(unbalanced(&pool).await, 0);
    let audited: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, entity_id FROM audit_log WHERE action = 'billing.run' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audited, vec![("cli".to_owned(), "2026-12".to_owned()); 2], "each run is in the audit log");
    let runs: Vec<(String, i32)> =
        sqlx::query_as("SELECT status, records_out FROM sync_run WHERE job = 'billing' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(runs, vec![("succeeded".to_owned(), first.records_out), ("succeeded".to_owned(), 0)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lease_that_starts_or_ends_in_the_month_pays_for_its_days(pool: PgPool) {
    let ctx = seeded(&pool).await;
    let (old_lease, unit, rent): (Uuid, Uuid, i64) =
        sqlx::query_as("SELECT id, unit_id, rent_minor FROM lease WHERE ends_on IS NULL ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("UPDATE lease SET ends_on = '2026-12-10' WHERE id = $1").bind(old_lease).execute(&pool).await.unwrap();
    let tenant: Uuid = sqlx::query_scalar("SELECT id FROM app_user WHERE role = 'tenant' ORDER BY email DESC LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let insert = |starts: NaiveDate| {
        sqlx::query(
            "INSERT INTO lease (id, unit_id, tenant_id, starts_on, rent_minor, currency, due_day)
             VALUES ($1, $2, $3, $4, 90000, 'EUR', 5)",
        )
        .bind(Uuid::new_v4())
        .bind(unit)
        .bind(tenant)
        .bind(starts)
    };
    let overlap = insert(day(2026, 12, 10)).execute(&pool).await.unwrap_err();
    assert_eq!(
        overlap.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("23P01"),
        "the database refuses two leases of one unit on one day"
    );
    insert(day(2026, 12, 16)).execute(&pool).await.unwrap();
    let new_lease: Uuid = sqlx::query_scalar("SELECT id FROM lease WHERE unit_id = $1 AND starts_on = '2026-12-16'")
        .bind(unit)
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO lease_charge (id, lease_id, description, amount_minor) VALUES ($1, $2, 'Parking', 3100)")
        .bind(Uuid::new_v4())
        .bind(new_lease)
        .execute(&pool)
        .await
        .unwrap();

    run_period(&ctx, BillingPeriod::parse("2026-12").unwrap(), "cli", &cli()).await.unwrap();
    let invoice = |lease: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64, NaiveDate, i64)>(
                "SELECT total_minor, due_on, (SELECT count(*) FROM invoice_line l WHERE l.invoice_id = i.id)
                 FROM invoice i WHERE lease_id = $1 AND period_start = '2026-12-01'",
            )
            .bind(lease)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (total, _, lines) = invoice(old_lease).await;
    assert_eq!((total, lines), (prorate(rent, 10, 31), 1), "10 of 31 days");
    let (total, due, lines) = invoice(new_lease).await;
    assert_eq!(total, prorate(90_000, 16, 31) + prorate(3_100, 16, 31), "16 of 31 days of rent and parking");
    assert_eq!((due, lines), (day(2026, 12, 16), 2), "due on its first day, after the 5th");
    let description: String = sqlx::query_scalar(
        "SELECT description FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
         WHERE i.lease_id = $1 AND l.position = 1",
    )
    .bind(new_lease)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(description, "Rent 2026-12 (16 Dec to 31 Dec, 16 of 31 days)");
}

/// `count` more leases on a building of their own, each with its own tenant.
async fn add_leases(pool: &PgPool, count: i32) {
    let property: Uuid = sqlx::query_scalar(
        "INSERT INTO property (id, landlord_id, name, address_line, city, postal_code, country)
         SELECT gen_random_uuid(), id, 'Bulk building', '1 Bulk Street', 'Lyon', '69001', 'FR'
         FROM app_user WHERE role = 'landlord' ORDER BY email LIMIT 1 RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO unit (id, property_id, label) SELECT gen_random_uuid(), $1, 'B-' || g FROM generate_series(1, $2) g")
        .bind(property)
        .bind(count)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO app_user (id, email, display_name, role)
         SELECT gen_random_uuid(), 'bulk-' || g || '@example.test', 'Bulk tenant ' || g, 'tenant'
         FROM generate_series(1, $1) g",
    )
    .bind(count)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO lease (id, unit_id, tenant_id, starts_on, rent_minor, currency, due_day)
         SELECT gen_random_uuid(), u.id, t.id, DATE '2026-01-01', 50000 + (u.n % 500) * 100, 'EUR', 1 + u.n % 28
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM unit WHERE property_id = $1) u
         JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM app_user WHERE email LIKE 'bulk-%') t USING (n)",
    )
    .bind(property)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_killed_anywhere_leaves_whole_invoices_and_no_gap(pool: PgPool) {
    let ctx = seeded(&pool).await;
    add_leases(&pool, 3_500).await;
    let december = BillingPeriod::parse("2026-12").unwrap();
    let leases = active_leases(&pool, december).await;
    let mut rng = rand::thread_rng();
    for _ in 0..6 {
        let run = tokio::spawn({
            let ctx = ctx.clone();
            async move { run_period(&ctx, december, "cli", &cli()).await }
        });
        tokio::time::sleep(Duration::from_millis(rng.gen_range(5..400))).await;
        run.abort();
        let _ = run.await;
        // Whatever was written is whole: no invoice without its lines, no gap.
        assert_eq!(unbalanced(&pool).await, 0);
        let written = numbers(&pool, 2026).await;
        assert_eq!(written, (1..=written.len() as i64).collect::<Vec<_>>(), "gapless after a kill");
    }
    run_period(&ctx, december, "cli", &cli()).await.unwrap();
    assert_eq!(numbers(&pool, 2026).await, (1..=leases).collect::<Vec<_>>(), "one invoice per lease, numbers 1..n");
    let per_lease: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT lease_id FROM invoice WHERE period_start = '2026-12-01'
                               GROUP BY lease_id HAVING count(*) > 1) twice",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(per_lease, 0);
    assert_eq!(unbalanced(&pool).await, 0);
}
