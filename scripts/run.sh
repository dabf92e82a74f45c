#!/usr/bin/env bash
# Runs the Marketplace with demo data: installs missing tools, provides a
# database (DATABASE_URL, or a private PostgreSQL cluster in .data/), builds,
# migrates, seeds, starts the sandbox stand-ins for Kill Bill, Condo and
# Cocorico (unless KILLBILL_URL, CONDO_URL or COCORICO_DATABASE_URL is already
# set), runs the first syncs and serves on http://127.0.0.1:3101.
source "$(dirname "$0")/lib.sh"

ensure_rust_tools
ensure_node_modules
ensure_database
build_site
if [ -z "${KILLBILL_URL:-}${CONDO_URL:-}${COCORICO_DATABASE_URL:-}" ]; then
  start_sandbox
  trap stop_sandbox EXIT
fi

BIN="$(server_bin)"
export MARKETPLACE_SITE_ROOT="${MARKETPLACE_SITE_ROOT:-$ROOT/target/site}"
export MARKETPLACE_DEMO="${MARKETPLACE_DEMO:-true}"
export MARKETPLACE_LOG_FORMAT="${MARKETPLACE_LOG_FORMAT:-pretty}"
export MARKETPLACE_KEYS_DIR="${MARKETPLACE_KEYS_DIR:-$DATA_DIR/keys}"
"$BIN" migrate
"$BIN" keys generate
# The demo accounts' password: generated once for this checkout, never committed.
if [ -z "${MARKETPLACE_DEMO_PASSWORD:-}" ]; then
  if [ ! -s "$DATA_DIR/demo-password" ]; then
    mkdir -p "$DATA_DIR" && (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DATA_DIR/demo-password")
  fi
  MARKETPLACE_DEMO_PASSWORD="$(cat "$DATA_DIR/demo-password")"
fi
export MARKETPLACE_DEMO_PASSWORD
"$BIN" seed demo
if [ -n "${SANDBOX_BIN:-}" ]; then
  "$BIN" condo link-demo
  "$BIN" killbill register-callback
fi
say "first syncs (Kill Bill, Condo, Cocorico)"
"$BIN" sync all || say "a first sync failed: see /admin/system-status"
say "demo accounts (password: $MARKETPLACE_DEMO_PASSWORD):"
say "  admin@marketplace.test      → /admin/system-status"
say "  landlord1@marketplace.test  → /maintenance"
say "  tenant1@marketplace.test    → /account"
say "Marketplace is starting on http://${MARKETPLACE_HOST:-127.0.0.1}:${MARKETPLACE_PORT:-3101} (Ctrl-C stops it)"
"$BIN" serve
