#!/usr/bin/env bash
# Runs one platform's sync once: `scripts/sync.sh <killbill|condo|cocorico|all>`.
# Uses target/release/marketplace when it is built, else `cargo run --release --`.
# Needs DATABASE_URL and the platform's variables (see .env.example); a .env file is read.
# Runs under the job's lease, like the scheduler: exits non-zero, doing nothing,
# while the same sync runs on a server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PLATFORM="${1:?usage: scripts/sync.sh <killbill|condo|cocorico|all>}"

if [ -f .env ]; then
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
fi

BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/marketplace"
if [ -x "$BIN" ]; then
  exec "$BIN" sync "$PLATFORM"
else
  exec cargo run --release -- sync "$PLATFORM"
fi
