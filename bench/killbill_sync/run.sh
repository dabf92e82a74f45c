#!/usr/bin/env bash
# Kill Bill mirror benchmark: 500 tenants, 6,000 invoices and their payments
# pushed to the in-process emulator with 20 ms latency, at KILLBILL-style
# concurrency 8 and at concurrency 1 (baseline), then a no-change resync.
# Prints wall time, requests, requests per invoice. Not part of the tests.
#
# Needs a PostgreSQL server (BENCH_PG, default postgres://postgres@127.0.0.1:5432);
# it creates and drops databases mkt_bench_killbill_c*. Knobs: BENCH_TENANTS,
# BENCH_LATENCY_MS, BENCH_CONCURRENCY, BENCH_BASELINE=0 to skip concurrency 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
exec cargo run --release -p app --features ssr --example killbill_sync_bench
