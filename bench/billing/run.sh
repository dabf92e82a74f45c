#!/usr/bin/env bash
# Rent run benchmark: 50,000 active leases in a fresh database, billed for one
# month by `jobs::billing`, against the floor (one bare INSERT … SELECT of the
# same number of invoices and lines) in the same run. Not part of the tests.
#
# Needs a PostgreSQL server (BENCH_PG, default postgres://postgres@127.0.0.1:5432);
# it creates (and leaves) the database mkt_bench_billing. Knob: BENCH_LEASES.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
exec cargo run --release -p app --features ssr --example billing_bench
