#!/usr/bin/env bash
# Imports units and maintenance tickets from Condo once (`marketplace sync condo`).
# Uses target/release/marketplace when it is built, else `cargo run --release --`.
# Needs DATABASE_URL and the CONDO_* variables (see .env.example); a .env file is read.
#
# Properties are matched only through links an admin creates (external_ref, platform
# `condo`, entity `property`); see app/src/server/store/condo_import.rs for the SQL.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ -f .env ]; then
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
fi

BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/marketplace"
if [ -x "$BIN" ]; then
  exec "$BIN" sync condo
else
  exec cargo run --release -- sync condo
fi
