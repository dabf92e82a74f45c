//! Benchmark of the Condo import (built only with the `bench` feature; see `bench/condo_import/`).
//!
//! 50,000 tickets over 200 properties behind 20 ms of added latency per request: prints the
//! tickets per second, the pages, the floor set by latency (pages × latency), the rows per
//! second written into PostgreSQL, and what a rerun with no change costs.
//! `CONDO_BENCH_TICKETS` and `CONDO_BENCH_LATENCY_MS` change the size and latency.

#[path = "../../app/tests/condo_common/mod.rs"]
mod condo_common;

use app::server::jobs::condo::run;
use condo_common::*;
use sandbox::condo::{CondoConfig, DataConfig, Faults};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Sum of `db_ms` over the journal's committed pages of the last run.
fn database_ms(ctx: &app::server::jobs::SyncContext) -> f64 {
    let lines = journal(ctx);
    let last_run = lines.last().map(|l| l["run_id"].clone()).unwrap_or_default();
    let pages = lines.iter().filter(|l| l["run_id"] == last_run && l["event"] == "page_committed");
    pages.map(|l| l["db_ms"].as_f64().unwrap_or(0.0)).sum()
}

#[sqlx::test(migrations = "../migrations")]
async fn bench_condo_import(pool: sqlx::PgPool) {
    let tickets = env_number("CONDO_BENCH_TICKETS", 50_000) as usize;
    let latency_ms = env_number("CONDO_BENCH_LATENCY_MS", 20);
    let data = DataConfig { tickets, properties: 200, organizations: 20, ..DataConfig::default() };
    let condo = sandbox::condo::spawn(CondoConfig { data, ..CondoConfig::default() }).await.unwrap();
    create_and_link(&pool, &condo, |_| true).await;
    condo.handle().set_faults(Faults { latency_ms, ..Faults::default() });
    let mut bench_settings = settings(&condo);
    bench_settings.timeout = Duration::from_secs(60);
    let ctx = context(&pool, bench_settings);

    let started = Instant::now();
    let first = run(&ctx, "cli").await.unwrap();
    let elapsed = started.elapsed();
    let pages = ticket_pages(&condo);
    let db_ms = database_ms(&ctx);
    println!(
        "first import: {tickets} tickets, {} records written in {:.2} s",
        first.records_out,
        elapsed.as_secs_f64()
    );
    println!("  tickets/s: {:.0}", tickets as f64 / elapsed.as_secs_f64());
    println!(
        "  ticket pages: {pages}; latency floor (pages x {latency_ms} ms): {:.2} s",
        (pages * latency_ms) as f64 / 1000.0
    );
    println!(
        "  PostgreSQL: {:.2} s in page transactions, {:.0} rows/s",
        db_ms / 1000.0,
        tickets as f64 / (db_ms / 1000.0)
    );

    let started = Instant::now();
    let rerun = run(&ctx, "cli").await.unwrap();
    let rerun_pages = ticket_pages(&condo) - pages;
    println!(
        "no-change rerun: {:.3} s, {rerun_pages} ticket page(s), {} records read, {} written",
        started.elapsed().as_secs_f64(),
        rerun.records_in,
        rerun.records_out
    );
    assert_eq!(first.records_failed, 0);
    assert_eq!(rerun.records_out, 0);
}
