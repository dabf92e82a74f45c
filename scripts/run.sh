#!/usr/bin/env bash
# Runs the Marketplace with demo data: installs missing tools, provides a
# database (DATABASE_URL, or a private PostgreSQL cluster in .data/), builds,
# migrates, seeds, starts the sandbox stand-ins for Kill Bill, Condo and
# Cocorico (unless KILLBILL_URL, CONDO_URL or COCORICO_DATABASE_URL is already
# set), runs the first syncs and serves on http://127.0.0.1:3101. Prints the
# time of each step before it serves. MARKETPLACE_BUILD_PROFILE=release builds
# a fully optimised server (the default, `dev`, compiles in half the time).
source "$(dirname "$0")/lib.sh"

# The npm packages, wasm-bindgen and the browser app are fetched and built
# while cargo builds the server: on two cores the builds fill each other's
# single-threaded stretches (linking, the browser app's LTO).
phase "Rust toolchain (wasm32 target)" ensure_wasm_target
bg_phase npm "npm packages (Tailwind CSS, wasm-opt)" ensure_node_modules
bg_phase bindgen "wasm-bindgen-cli $WASM_BINDGEN_VERSION" ensure_wasm_bindgen
bg_phase browser "browser app (wasm32, release)" build_browser_app
phase "server and sandbox (cargo build --profile $BUILD_PROFILE)" build_server_bins
wait_phase npm
wait_phase bindgen
wait_phase browser
phase "site (wasm-bindgen, wasm-opt, CSS, assets)" package_site
phase "database" ensure_database
if [ -z "${KILLBILL_URL:-}${CONDO_URL:-}${COCORICO_DATABASE_URL:-}" ]; then
  phase "sandbox platforms" start_sandbox
fi

BIN="$(server_bin)"
export MARKETPLACE_SITE_ROOT="${MARKETPLACE_SITE_ROOT:-$SITE_ROOT}"
export MARKETPLACE_DEMO="${MARKETPLACE_DEMO:-true}"
export MARKETPLACE_LOG_FORMAT="${MARKETPLACE_LOG_FORMAT:-pretty}"
export MARKETPLACE_KEYS_DIR="${MARKETPLACE_KEYS_DIR:-$DATA_DIR/keys}"
# The demo accounts' password: generated once for this checkout, never committed.
if [ -z "${MARKETPLACE_DEMO_PASSWORD:-}" ]; then
  if [ ! -s "$DATA_DIR/demo-password" ]; then
    mkdir -p "$DATA_DIR" && (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DATA_DIR/demo-password")
  fi
  MARKETPLACE_DEMO_PASSWORD="$(cat "$DATA_DIR/demo-password")"
fi
export MARKETPLACE_DEMO_PASSWORD
demo_data() {
  "$BIN" migrate
  "$BIN" keys generate
  "$BIN" seed demo
  if [ -n "${SANDBOX_PIDS:-}" ]; then
    "$BIN" condo link-demo
    "$BIN" killbill register-callback
  fi
}
phase "migrations and demo data" demo_data
first_syncs() { "$BIN" sync all || say "a first sync failed: see /admin/system-status"; }
phase "first syncs (Kill Bill, Condo, Cocorico)" first_syncs
report_phases
say "demo accounts (password: $MARKETPLACE_DEMO_PASSWORD):"
say "  admin@marketplace.test      → /admin/system-status"
say "  landlord1@marketplace.test  → /maintenance"
say "  tenant1@marketplace.test    → /account"
say "Marketplace is starting on http://${MARKETPLACE_HOST:-127.0.0.1}:${MARKETPLACE_PORT:-3101} (Ctrl-C stops it)"
"$BIN" serve
