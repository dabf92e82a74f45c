//! Benchmark of the Kill Bill mirror (run through `bench/killbill_sync/run.sh`,
//! never by the test suite): N tenants with 12 invoices each and their
//! payments, pushed to the emulator with 20 ms latency per request, at the
//! configured concurrency and at concurrency 1, then a no-change resync.
//!
//! Environment: `BENCH_PG` (server URL without database, default
//! `postgres://postgres@127.0.0.1:5432`), `BENCH_TENANTS` (500),
//! `BENCH_LATENCY_MS` (20), `BENCH_CONCURRENCY` (8), `BENCH_BASELINE` (1 = also
//! run at concurrency 1).

use std::time::{Duration, Instant};

use app::server::adapters::killbill::{HttpKillBillClient, KillBillSettings};
use app::server::jobs::killbill::{MirrorOptions, RetryPolicy, reconcile, run_with};
use app::server::jobs::{SyncContext, SyncSettings};
use app::server::secret::Secret;
use app::server::store::{app_user, invoice, lease, payment, property, unit};
use chrono::{Months, NaiveDate, TimeZone, Utc};
use sandbox::killbill::{self, Faults, KillBillConfig};
use sqlx::PgPool;
use uuid::Uuid;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn id(name: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes())
}

/// A fresh database with the schema.
async fn fresh_db(server: &str, name: &str) -> anyhow::Result<PgPool> {
    let admin = PgPool::connect(&format!("{server}/postgres")).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await?;
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(20).connect(&format!("{server}/{name}")).await?;
    sqlx::migrate!("../migrations").run(&pool).await?;
    Ok(pool)
}

/// `tenants` tenants, each with a lease, 12 monthly invoices and one payment per invoice.
async fn generate(pool: &PgPool, tenants: u64) -> anyhow::Result<u64> {
    let landlord = id("landlord");
    let user = |i: &str, role: &str| app_user::NewUser {
        id: id(i),
        email: format!("{i}@bench.test"),
        display_name: i.to_owned(),
        role: role.into(),
        password_hash: None,
        phone: None,
    };
    app_user::insert_user_if_absent(pool, &user("landlord", "landlord")).await?;
    let prop = property::NewProperty {
        id: id("property"),
        landlord_id: landlord,
        name: "Bench House".into(),
        address_line: "1 Bench Street".into(),
        city: "Lyon".into(),
        postal_code: "69001".into(),
        country: "FR".into(),
        latitude: None,
        longitude: None,
    };
    property::insert_property_if_absent(pool, &prop).await?;
    let mut invoices = 0;
    for t in 0..tenants {
        invoices += generate_tenant(pool, prop.id, t, &user(&format!("tenant{t}"), "tenant")).await?;
    }
    Ok(invoices)
}

async fn generate_tenant(pool: &PgPool, property_id: Uuid, t: u64, tenant: &app_user::NewUser) -> anyhow::Result<u64> {
    app_user::insert_user_if_absent(pool, tenant).await?;
    let rent = 80_000 + i64::try_from(t % 50).unwrap_or(0) * 1_000;
    let u = unit::NewUnit {
        id: id(&format!("unit{t}")),
        property_id,
        label: format!("U{t}"),
        section: None,
        floor: None,
        bedrooms: 1,
        bathrooms: 1,
        area_m2: Some(40),
        rent_minor: Some(rent),
        currency: Some("EUR".into()),
    };
    let unit_id = unit::upsert_unit(pool, &u).await?.id;
    let start = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default();
    let l = lease::NewLease {
        id: id(&format!("lease{t}")),
        unit_id,
        tenant_id: tenant.id,
        starts_on: start,
        ends_on: None,
        rent_minor: rent,
        deposit_minor: rent * 2,
        currency: "EUR".into(),
        due_day: 1,
    };
    lease::insert_lease_if_absent(pool, &l).await?;
    let mut conn = pool.acquire().await?;
    for m in 0..12u32 {
        let period = start + Months::new(m);
        let inv = invoice::NewInvoice {
            id: id(&format!("invoice{t}/{m}")),
            number: format!("B-{t}-{m}"),
            lease_id: l.id,
            tenant_id: tenant.id,
            period_start: period,
            period_end: period + Months::new(1) - chrono::Days::new(1),
            issued_on: period,
            due_on: period + chrono::Days::new(5),
            currency: "EUR".into(),
            lines: vec![
                invoice::NewInvoiceLine { description: "Rent".into(), quantity: 1, unit_amount_minor: rent },
                invoice::NewInvoiceLine {
                    description: "Service charges".into(),
                    quantity: 1,
                    unit_amount_minor: 4_550,
                },
            ],
        };
        invoice::insert_invoice_if_absent(&mut conn, &inv).await?;
        let p = payment::NewPayment {
            id: id(&format!("payment{t}/{m}")),
            invoice_id: inv.id,
            tenant_id: tenant.id,
            amount_minor: inv.total_minor(),
            currency: "EUR".into(),
            received_at: Utc.from_utc_datetime(&period.and_hms_opt(9, 0, 0).unwrap_or_default()),
            method: "bank_transfer".into(),
            reference: format!("BENCH-{t}-{m}"),
        };
        payment::insert_payment_if_absent(&mut *conn, &p).await?;
    }
    Ok(12)
}

/// The corrections pass: every tenant's first month refunded in full and
/// voided, 10.00 of its seventh month's payment refunded, and its fourth
/// month refunded 15.00 and credited 15.00 by a credit note taking back 10.00
/// of the rent line and 5.00 of the service charges (3 invoices in 12
/// corrected), then one mirror run, against its latency floor: the requests it
/// sent times the emulator's latency, over the concurrency.
async fn corrections(
    ctx: &SyncContext,
    client: &HttpKillBillClient,
    kb: &killbill::RunningKillBill,
    (concurrency, latency_ms): (usize, u64),
) -> anyhow::Result<()> {
    let pool = &ctx.pool;
    // `None`: the whole payment.
    for (month, amount) in [("0", None), ("6", Some(1_000_i64)), ("3", Some(1_500))] {
        let pattern = format!("B-%-{month}");
        sqlx::query(
            "INSERT INTO payment_refund (id, payment_id, tenant_id, amount_minor, refunded_on, reason)
             SELECT gen_random_uuid(), p.id, p.tenant_id, COALESCE($2, p.amount_minor), current_date, 'bench'
             FROM payment p JOIN invoice i ON i.id = p.invoice_id WHERE i.number LIKE $1",
        )
        .bind(&pattern)
        .bind(amount)
        .execute(pool)
        .await?;
        sqlx::query(
            "UPDATE payment p SET refunded_minor = COALESCE($2, p.amount_minor)
             FROM invoice i WHERE i.id = p.invoice_id AND i.number LIKE $1",
        )
        .bind(&pattern)
        .bind(amount)
        .execute(pool)
        .await?;
    }
    sqlx::query("UPDATE invoice SET voided_at = now(), void_reason = 'bench' WHERE number LIKE 'B-%-0'")
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO credit_note (id, number, invoice_id, tenant_id, amount_minor, currency, issued_on, reason)
         SELECT gen_random_uuid(), 'CN-' || i.number, i.id, i.tenant_id, 1500, i.currency, current_date, 'bench'
         FROM invoice i WHERE i.number LIKE 'B-%-3'",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO credit_note_part (credit_note_id, line_position, amount_minor)
         SELECT c.id, part.position, part.amount FROM credit_note c
         CROSS JOIN (VALUES (1, 1000::bigint), (2, 500::bigint)) AS part (position, amount)
         WHERE c.number LIKE 'CN-B-%-3'",
    )
    .execute(pool)
    .await?;
    sqlx::query("UPDATE invoice SET credited_minor = 1500 WHERE number LIKE 'B-%-3'").execute(pool).await?;
    kb.reset_stats();
    let started = Instant::now();
    let options = MirrorOptions { concurrency, retry: RetryPolicy::default() };
    let summary = run_with(ctx, client, "cli", options).await?;
    let (took, stats) = (started.elapsed(), kb.stats());
    let floor = stats.total as f64 * latency_ms as f64 / 1000.0 / concurrency as f64;
    let ratio = if floor > 0.0 { format!("{:.2}x the floor", took.as_secs_f64() / floor) } else { "no floor".into() };
    println!(
        "concurrency {concurrency:>2}: corrections ({} records: refunds, voids, credit notes) mirrored in {:.2} s with {} requests \
         ({} writes); latency floor {floor:.2} s, {ratio}",
        summary.records_out,
        took.as_secs_f64(),
        stats.total,
        stats.writes,
    );
    Ok(())
}

/// One pass: fresh data, first sync at `concurrency`, then a no-change resync.
async fn pass(server: &str, tenants: u64, latency_ms: u64, concurrency: usize) -> anyhow::Result<()> {
    let pool = fresh_db(server, &format!("mkt_bench_killbill_c{concurrency}")).await?;
    let invoices = generate(&pool, tenants).await?;
    let kb = killbill::spawn(KillBillConfig::ephemeral().with_tenant("bench", "bench-secret")).await?;
    kb.set_faults(Faults { latency_ms, ..Faults::default() })?;
    let settings = KillBillSettings {
        base_url: kb.base_url(),
        username: "admin".into(),
        password: Secret::new("password"),
        api_key: "bench".into(),
        api_secret: Secret::new("bench-secret"),
        timeout: Duration::from_secs(10),
        concurrency,
    };
    let client = HttpKillBillClient::new(&settings)?;
    let sync = SyncSettings { killbill: Some(settings), log_dir: std::env::temp_dir(), ..SyncSettings::default() };
    let ctx = SyncContext::new(pool, sync)?;
    let options = MirrorOptions { concurrency, retry: RetryPolicy::default() };
    let started = Instant::now();
    let summary = run_with(&ctx, &client, "cli", options).await?;
    let first = (started.elapsed(), kb.stats());
    kb.reset_stats();
    let started = Instant::now();
    run_with(&ctx, &client, "cli", options).await?;
    let resync = (started.elapsed(), kb.stats());
    println!(
        "concurrency {concurrency:>2}: {tenants} tenants, {invoices} invoices, {} records mirrored in {:.1} s; \
         {} requests ({} writes), {:.2} requests per invoice",
        summary.records_out,
        first.0.as_secs_f64(),
        first.1.total,
        first.1.writes,
        first.1.total as f64 / invoices as f64
    );
    println!(
        "concurrency {concurrency:>2}: no-change resync in {:.3} s with {} requests",
        resync.0.as_secs_f64(),
        resync.1.total
    );
    corrections(&ctx, &client, &kb, (concurrency, latency_ms)).await?;
    kb.reset_stats();
    let started = Instant::now();
    let (_, report) = reconcile::run_with(&ctx, &client, "cli", concurrency, RetryPolicy::default()).await?;
    let (took, stats) = (started.elapsed(), kb.stats());
    println!(
        "concurrency {concurrency:>2}: reconciliation of {} accounts in {:.1} s with {} requests ({} writes), \
         {:.2} reads per account, {} differences",
        report.accounts,
        took.as_secs_f64(),
        stats.total,
        stats.writes,
        stats.reads as f64 / f64::from(report.accounts.max(1)),
        report.counts.total()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = std::env::var("BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let tenants = env_or("BENCH_TENANTS", 500);
    let latency = env_or("BENCH_LATENCY_MS", 20);
    let concurrency = usize::try_from(env_or("BENCH_CONCURRENCY", 8)).unwrap_or(8);
    println!("Kill Bill mirror benchmark: emulator latency {latency} ms per request");
    pass(&server, tenants, latency, concurrency).await?;
    if env_or("BENCH_BASELINE", 1) == 1 && concurrency != 1 {
        pass(&server, tenants, latency, 1).await?;
    }
    Ok(())
}
