#!/usr/bin/env bash
# Imports Cocorico's approved listings into the portal once:
# `marketplace sync cocorico`, the same code path as the scheduler.
#
# Needs DATABASE_URL, COCORICO_DATABASE_URL (the read-only MySQL account) and
# COCORICO_BASE_URL (see .env.example); a .env file at the root is read.
# Uses the release binary when it is built, else `cargo run --release`.
# Exits non-zero when the run fails; the run and its error are recorded in
# `sync_run` and in logs/integration/cocorico.log.

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
  exec "$BIN" sync cocorico
else
  exec cargo run --release --bin marketplace -- sync cocorico
fi
