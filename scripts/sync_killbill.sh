#!/usr/bin/env bash
# Mirrors our invoices and payments into Kill Bill once: `marketplace sync
# killbill`, with the environment passed through (DATABASE_URL, KILLBILL_*;
# see .env.example). Uses target/release/marketplace when it is built, else
# builds and runs it with cargo. Exits non-zero when the run failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/marketplace"

if [ -x "$BIN" ]; then
  exec "$BIN" sync killbill "$@"
fi
exec cargo run --release --bin marketplace -- sync killbill "$@"
