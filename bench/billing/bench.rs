//! Benchmark of the rent run (run through `bench/billing/run.sh`, never by the
//! test suite): N active leases in a fresh database, billed for one month by
//! the rent run, against the floor: one bare `INSERT … SELECT` writing the
//! same number of invoices and lines for another month.
//!
//! Environment: `BENCH_PG` (server URL without database, default
//! `postgres://postgres@127.0.0.1:5432`), `BENCH_LEASES` (50000).

use std::time::Instant;

use app::domain::BillingPeriod;
use app::server::jobs::billing::{Actor, run_period};
use app::server::jobs::{SyncContext, SyncSettings};
use sqlx::PgPool;

/// A fresh database with the schema.
async fn fresh_db(server: &str, name: &str) -> anyhow::Result<PgPool> {
    let admin = PgPool::connect(&format!("{server}/postgres")).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await?;
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&format!("{server}/{name}")).await?;
    sqlx::migrate!("../migrations").run(&pool).await?;
    Ok(pool)
}

/// One landlord, one building of `n` units, `n` tenants, `n` open leases (a
/// tenth with a recurring charge).
async fn generate(pool: &PgPool, n: i32) -> anyhow::Result<()> {
    for sql in [
        "INSERT INTO app_user (id, email, display_name, role)
         VALUES ('00000000-0000-0000-0000-0000000000aa', 'landlord@bench.test', 'Landlord', 'landlord')",
        "INSERT INTO property (id, landlord_id, name, address_line, city, postal_code, country)
         VALUES ('00000000-0000-0000-0000-0000000000bb', '00000000-0000-0000-0000-0000000000aa',
                 'Bench House', '1 Bench Street', 'Lyon', '69001', 'FR')",
    ] {
        sqlx::query(sql).execute(pool).await?;
    }
    sqlx::query(
        "INSERT INTO unit (id, property_id, label)
         SELECT gen_random_uuid(), '00000000-0000-0000-0000-0000000000bb', 'U-' || g FROM generate_series(1, $1) g",
    )
    .bind(n)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO app_user (id, email, display_name, role)
         SELECT gen_random_uuid(), 't' || g || '@bench.test', 'Tenant ' || g, 'tenant' FROM generate_series(1, $1) g",
    )
    .bind(n)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO lease (id, unit_id, tenant_id, starts_on, rent_minor, currency, due_day)
         SELECT gen_random_uuid(), u.id, t.id, DATE '2026-01-01', 50000 + (u.n % 500) * 100, 'EUR', 1 + u.n % 28
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM unit) u
         JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM app_user WHERE role = 'tenant') t USING (n)",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO lease_charge (id, lease_id, description, amount_minor)
         SELECT gen_random_uuid(), id, 'Parking', 3000 FROM lease WHERE right(id::text, 1) = '0'",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO lease_rent_change (lease_id, starts_on, rent_minor)
         SELECT id, DATE '2026-12-15', rent_minor + 2000 FROM lease WHERE right(id::text, 1) = '1'",
    )
    .execute(pool)
    .await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}

/// The floor: every lease's invoice and its rent line for October, in one
/// statement, with nothing computed but a row number.
async fn floor(pool: &PgPool) -> anyhow::Result<u64> {
    let done = sqlx::query(
        "WITH ins AS (
             INSERT INTO invoice (id, number, lease_id, tenant_id, period_start, period_end, issued_on, due_on,
                                  currency, total_minor)
             SELECT gen_random_uuid(), 'F-' || row_number() OVER (ORDER BY id), id, tenant_id, DATE '2026-10-01',
                    DATE '2026-10-31', current_date, DATE '2026-10-05', currency, rent_minor
             FROM lease RETURNING id, total_minor)
         INSERT INTO invoice_line (id, invoice_id, position, description, quantity, unit_amount_minor, amount_minor)
         SELECT gen_random_uuid(), id, 1, 'Rent', 1, total_minor, total_minor FROM ins",
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let server = std::env::var("BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let leases: i32 = std::env::var("BENCH_LEASES").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let pool = fresh_db(&server, "mkt_bench_billing").await?;
    let started = Instant::now();
    generate(&pool, leases).await?;
    println!("generated {leases} leases in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let lines = floor(&pool).await?;
    let floor_secs = started.elapsed().as_secs_f64();
    println!("floor (one INSERT … SELECT): {leases} invoices, {lines} lines in {floor_secs:.2} s");

    let ctx = SyncContext::new(pool.clone(), SyncSettings::default())?;
    let actor = Actor { user_id: None, name: "bench".into() };
    let december = BillingPeriod::parse("2026-12").map_err(anyhow::Error::msg)?;
    let started = Instant::now();
    let summary = run_period(&ctx, december, "cli", &actor).await?;
    let run_secs = started.elapsed().as_secs_f64();
    println!(
        "rent run: {} invoices in {run_secs:.2} s ({:.0} invoices/s), {:.2}x the floor",
        summary.records_out,
        f64::from(summary.records_out) / run_secs.max(1e-9),
        run_secs / floor_secs.max(1e-9)
    );
    let started = Instant::now();
    let again = run_period(&ctx, december, "cli", &actor).await?;
    println!(
        "second run for the month: {} created, {} skipped in {:.2} s",
        again.records_out,
        again.records_skipped,
        started.elapsed().as_secs_f64()
    );
    pool.close().await;
    Ok(())
}
