#!/usr/bin/env bash
# Benchmarks the Condo import: 50,000 tickets over 200 properties from the in-process
# emulator with 20 ms of latency per request, into a fresh PostgreSQL database.
# Needs DATABASE_URL (a server where the test harness may create databases).
# CONDO_BENCH_TICKETS and CONDO_BENCH_LATENCY_MS change the size and latency.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/marketplace}"
exec cargo test --release -p app --features ssr,bench --test condo_bench -- --nocapture
