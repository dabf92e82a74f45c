#!/usr/bin/env bash
# Runs the whole test suite: the review checks (formatting, clippy for the
# server and the browser builds, the offline query data), every Rust test
# (unit, store tests on a real PostgreSQL, full-stack tests) and the
# Playwright browser tests against the server the tests built. Same
# preparation as scripts/run.sh, plus Chromium.
source "$(dirname "$0")/lib.sh"

phase "Rust toolchain (wasm32 target)" ensure_wasm_target
bg_phase npm "npm packages (Tailwind CSS, wasm-opt, Playwright)" ensure_node_modules
bg_phase bindgen "wasm-bindgen-cli $WASM_BINDGEN_VERSION" ensure_wasm_bindgen
bg_phase browser "browser app (wasm32, release)" build_browser_app
phase "Chromium" ensure_chromium
phase "database" ensure_database
phase "MariaDB" ensure_mariadb
drop_test_databases
phase "review checks (fmt, clippy, .sqlx)" review_checks

say "Rust tests"
phase "Rust tests" bash -c "cd '$ROOT' && cargo test --workspace --locked"
# The browser tests use the binaries the test build made.
SERVER_BIN="$TARGET_DIR/debug/marketplace"
SANDBOX_BIN="$TARGET_DIR/debug/sandbox"
[ -x "$SERVER_BIN" ] && [ -x "$SANDBOX_BIN" ] || die "the test build did not produce the server and the sandbox"

wait_phase npm
wait_phase bindgen
wait_phase browser
phase "site (wasm-bindgen, wasm-opt, CSS, assets)" package_site
phase "sandbox platforms" start_sandbox

say "browser tests (Playwright in $CHROMIUM_PATH)"
E2E_DB="marketplace_e2e"
recreate_database "$E2E_DB"
E2E_PORT="${E2E_PORT:-3111}"
while port_open "$E2E_PORT"; do E2E_PORT=$((E2E_PORT + 1)); done
export E2E_PORT
# A fresh password for the demo accounts of this run; the browser tests read it.
MARKETPLACE_DEMO_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export MARKETPLACE_DEMO_PASSWORD
export E2E_BASE_URL="http://127.0.0.1:$E2E_PORT"
LOG_DIR="$ROOT/target/e2e"
rm -rf "$LOG_DIR/keys" && mkdir -p "$LOG_DIR"
(
  export DATABASE_URL="$(database_url_for "$E2E_DB")"
  export MARKETPLACE_PORT="$E2E_PORT" MARKETPLACE_SITE_ROOT="$SITE_ROOT" MARKETPLACE_DEMO=true
  export MARKETPLACE_PUBLIC_URL="$E2E_BASE_URL"
  export MARKETPLACE_KEYS_DIR="$LOG_DIR/keys" MARKETPLACE_PUBLIC_KEY_PATH="$LOG_DIR/public.pem"
  BIN="$SERVER_BIN"
  "$BIN" keys generate
  "$BIN" seed demo
  "$BIN" condo link-demo
  "$BIN" killbill register-callback
  "$BIN" sync all
  exec "$BIN" serve
) >"$LOG_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fsS "$E2E_BASE_URL/api/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG_DIR/server.log" >&2; die "the server did not start"; }
  sleep 0.5
done
curl -fsS "$E2E_BASE_URL/api/health/ready" >/dev/null || { cat "$LOG_DIR/server.log" >&2; die "the server is not ready"; }
phase "browser tests" bash -c "cd '$ROOT' && npx playwright test --config end2end/playwright.config.ts"
report_phases
