#!/usr/bin/env bash
# Shared preparation for scripts/run.sh and scripts/test.sh: installs what is
# missing (the wasm target, wasm-bindgen, npm packages, Chromium for the
# browser tests), builds the server and the site with plain cargo, and provides
# a PostgreSQL database. Each step's time is printed as it ends and in a
# summary (report_phases).
#
# Source it; it does not run anything by itself.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${MARKETPLACE_DATA_DIR:-$ROOT/.data}"
WASM_BINDGEN_VERSION="0.2.130"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SITE_ROOT="$ROOT/target/site"
export SQLX_OFFLINE=true
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Whatever a script started in the background (set-up phases, the sandbox,
# a server) stops with it, however it ends.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
on_exit() {
  local pid
  for pid in "${BG_PIDS[@]:-}"; do [ -n "$pid" ] && kill_tree "$pid"; done
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  stop_sandbox
  return 0
}
trap on_exit EXIT

say() { printf '\033[1;32m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Installs Debian packages when we may (root with apt-get), else says how.
apt_install() {
  if is_root && command -v apt-get >/dev/null; then
    say "installing $* (apt-get)"
    if [ ! -f "$DATA_DIR/.apt-updated" ]; then
      apt-get update -qq >&2 && mkdir -p "$DATA_DIR" && touch "$DATA_DIR/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
  else
    die "please install: $* (for example: sudo apt-get install -y $*)"
  fi
}

# Runs "$@" as a named phase of the set-up and prints how long it took:
#   phase "building the site" build_site
PHASES=()
phase() {
  local name="$1" start end
  shift
  start="$(date +%s)"
  "$@"
  end="$(date +%s)"
  PHASES+=("$(printf '%4ds  %s' "$((end - start))" "$name")")
  say "$name: $((end - start)) s"
}

# Runs a phase in the background, its output in .data/<key>.log, while cargo
# compiles in the foreground; wait_phase waits for it and fails when it failed.
declare -A BG_PIDS BG_NAMES
bg_phase() {
  local key="$1" name="$2"; shift 2
  mkdir -p "$DATA_DIR"
  (
    start="$(date +%s)"
    "$@"
    echo "$(($(date +%s) - start))" >"$DATA_DIR/$key.time"
  ) >"$DATA_DIR/$key.log" 2>&1 &
  BG_PIDS[$key]=$!
  BG_NAMES[$key]="$name"
}
wait_phase() {
  local key="$1"
  [ -n "${BG_PIDS[$key]:-}" ] || return 0
  if ! wait "${BG_PIDS[$key]}"; then cat "$DATA_DIR/$key.log" >&2; die "${BG_NAMES[$key]} failed (see $DATA_DIR/$key.log)"; fi
  PHASES+=("$(printf '%4ds  %s (in the background)' "$(cat "$DATA_DIR/$key.time")" "${BG_NAMES[$key]}")")
  unset "BG_PIDS[$key]"
}

# Prints every phase's time and the total since the script started.
report_phases() {
  local line
  say "set-up time by phase:"
  for line in "${PHASES[@]}"; do printf '    %s\n' "$line" >&2; done
  printf '    %4ds  total\n' "$SECONDS" >&2
}

ensure_wasm_target() {
  command -v cargo >/dev/null || die "Rust is required: see https://rustup.rs"
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown >&2
  fi
}

# Installs the `wasm-bindgen` binary only (not the package's test runner and
# its web server), optimised at level 1: it runs once per build for a second,
# so a full optimisation would cost minutes of compilation for nothing.
ensure_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must match the wasm-bindgen crate)"
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --bin wasm-bindgen --force >&2
  fi
}

ensure_rust_tools() {
  ensure_wasm_target
  ensure_wasm_bindgen
}

ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing npm packages (Tailwind CSS, wasm-opt, Playwright)"
    (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
  fi
}

ensure_chromium() {
  if [ -z "${CHROMIUM_PATH:-}" ]; then
    CHROMIUM_PATH="$(command -v chromium || command -v chromium-browser || true)"
  fi
  [ -n "$CHROMIUM_PATH" ] || { apt_install chromium; CHROMIUM_PATH="$(command -v chromium)"; }
  export CHROMIUM_PATH
}

# Builds the browser side of the site into target/site: the hydrate build of
# the app crate for wasm32, its JavaScript glue (wasm-bindgen), the wasm shrunk
# by wasm-opt (binaryen from npm: Debian's older wasm-opt breaks hydration),
# the Tailwind CSS and the static assets. The server finds them through
# MARKETPLACE_SITE_ROOT; the file names are the ones the shell links
# (pkg/marketplace.js, pkg/marketplace_bg.wasm, pkg/marketplace.css).
build_site() {
  build_browser_app
  package_site
}

# The hydrate build of the app crate for wasm32. It has its own target folder
# (BROWSER_TARGET_DIR) so that it can be compiled while cargo builds the
# server in the main one: they share no artifact anyway.
BROWSER_TARGET_DIR="${MARKETPLACE_BROWSER_TARGET_DIR:-$TARGET_DIR/browser}"
# Made before any cargo starts: on an empty cache, two cargo processes that
# each create a missing target folder (one nested in the other) can race.
mkdir -p "$TARGET_DIR" "$BROWSER_TARGET_DIR"
build_browser_app() {
  say "building the browser app (wasm32, profile wasm-release)"
  (cd "$ROOT" && CARGO_TARGET_DIR="$BROWSER_TARGET_DIR" cargo build --locked -p app --lib \
    --target wasm32-unknown-unknown --profile wasm-release --no-default-features --features hydrate >&2)
}

# The site from the built browser app: its JavaScript glue, the wasm shrunk,
# the CSS and the static assets, swapped into place at once.
package_site() {
  local wasm="$BROWSER_TARGET_DIR/wasm32-unknown-unknown/wasm-release/app.wasm"
  rm -rf "$SITE_ROOT.new" && mkdir -p "$SITE_ROOT.new/pkg"
  wasm-bindgen --target web --no-typescript --out-dir "$SITE_ROOT.new/pkg" --out-name marketplace "$wasm"
  # The features rustc enables by default for wasm32-unknown-unknown.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$SITE_ROOT.new/pkg/marketplace_bg.wasm" "$SITE_ROOT.new/pkg/marketplace_bg.wasm"
  (cd "$ROOT" && tailwindcss --input style/tailwind.css --output "$SITE_ROOT.new/pkg/marketplace.css" --minify 2>/dev/null)
  cp -r "$ROOT/public/." "$SITE_ROOT.new/"
  rm -rf "$SITE_ROOT" && mv "$SITE_ROOT.new" "$SITE_ROOT"
}

# Builds the server and the sandbox emulators in one cargo run, so that they
# share one build of their common dependencies. MARKETPLACE_BUILD_PROFILE
# picks the cargo profile: `dev` (the default for the demo: it compiles in
# about half the time, and the test suite reuses it) or `release` (what the
# Docker image and the benchmarks run).
BUILD_PROFILE="${MARKETPLACE_BUILD_PROFILE:-dev}"
build_server_bins() {
  local dir="$BUILD_PROFILE"
  [ "$BUILD_PROFILE" = "dev" ] && dir="debug"
  say "building the server and the sandbox (cargo build --profile $BUILD_PROFILE)"
  (cd "$ROOT" && cargo build --locked --profile "$BUILD_PROFILE" -p marketplace --bin marketplace -p sandbox --bin sandbox >&2)
  SERVER_BIN="$TARGET_DIR/$dir/marketplace"
  SANDBOX_BIN="$TARGET_DIR/$dir/sandbox"
}

# The server binary the last build produced.
server_bin() {
  echo "${SERVER_BIN:-$TARGET_DIR/release/marketplace}"
}

pg_bindir() {
  local dir
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# Runs a command as the owner of the private cluster (initdb refuses root).
as_pg_owner() {
  if is_root; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

# Sets DATABASE_URL: the caller's if set, else a private cluster in .data/.
ensure_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "using the database in DATABASE_URL"
    return
  fi
  local bindir port pgdata
  bindir="$(pg_bindir || true)"
  [ -n "$bindir" ] || die "PostgreSQL is not installed. Install it (sudo apt-get install -y postgresql) or set DATABASE_URL."
  port="${MARKETPLACE_PG_PORT:-55432}"
  local base="$DATA_DIR"
  PG_OWNER="$(id -un)"
  if is_root; then
    PG_OWNER="$(id -un postgres 2>/dev/null || echo nobody)"
    mkdir -p "$base"
    # The cluster's owner must reach its folder; a checkout under /root it cannot.
    if ! runuser -u "$PG_OWNER" -- test -x "$base"; then
      base="/var/tmp/marketplace-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)"
    fi
  fi
  pgdata="$base/postgres"
  local rundir="$base/postgres-run"
  mkdir -p "$rundir"
  if is_root; then chown "$PG_OWNER" "$rundir"; fi
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $pgdata"
    mkdir -p "$pgdata"
    if is_root; then chown "$PG_OWNER" "$pgdata"; fi
    as_pg_owner "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg_owner "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$pgdata/postmaster.pid")"
  else
    # Another server may hold the port: take the next free one.
    while port_open "$port"; do port=$((port + 1)); done
    say "starting the private PostgreSQL on 127.0.0.1:$port"
    as_pg_owner "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
      -o "-p $port -k $rundir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/marketplace"
  export MARKETPLACE_PG_BINDIR="$bindir"
  "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'marketplace'" | grep -q 1 \
    || "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres marketplace
}

# Prints DATABASE_URL with its database replaced by $1.
database_url_for() {
  local base="${DATABASE_URL%%\?*}"
  echo "${base%/*}/$1"
}

# Drops and recreates database $1 on the DATABASE_URL server.
recreate_database() {
  local admin
  admin="$(database_url_for postgres)"
  psql_cmd "$admin" -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
  psql_cmd "$admin" -c "CREATE DATABASE \"$1\"" >/dev/null
}

psql_cmd() {
  command -v psql >/dev/null || [ -n "${MARKETPLACE_PG_BINDIR:-}" ] || pg_bindir >/dev/null || apt_install postgresql-client
  local psql="psql"
  if [ -n "${MARKETPLACE_PG_BINDIR:-}" ]; then psql="$MARKETPLACE_PG_BINDIR/psql"; fi
  command -v "$psql" >/dev/null || psql="$(pg_bindir)/psql"
  PGOPTIONS="--client-min-messages=warning" "$psql" "$@" -v ON_ERROR_STOP=1 -q
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets COCORICO_ADMIN_URL: the caller's, a MariaDB already on 3306, or a
# private one started in .data/ from the installed MariaDB binaries.
ensure_mariadb() {
  if [ -n "${COCORICO_ADMIN_URL:-}" ]; then return; fi
  if port_open 3306; then
    export COCORICO_ADMIN_URL="mysql://root@127.0.0.1:3306"
    return
  fi
  local port="${MARKETPLACE_MARIADB_PORT:-33306}" base="$DATA_DIR/mariadb" owner
  owner="$(id -un)"
  if ! port_open "$port"; then
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server
    local mariadbd; mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
    if is_root; then owner="$(id -un mysql 2>/dev/null || echo root)"; fi
    mkdir -p "$base"
    if is_root; then chown "$owner" "$base"; fi
    if [ ! -d "$base/data/mysql" ]; then
      say "creating a private MariaDB in $base"
      mariadb-install-db --datadir="$base/data" --user="$owner" --auth-root-authentication-method=normal >/dev/null
    fi
    say "starting the private MariaDB on 127.0.0.1:$port"
    "$mariadbd" --datadir="$base/data" --port="$port" --bind-address=127.0.0.1 --socket="$base/mariadb.sock" \
      --pid-file="$base/mariadb.pid" --user="$owner" >"$base/server.log" 2>&1 &
    for _ in $(seq 1 60); do port_open "$port" && break; sleep 0.5; done
    port_open "$port" || die "MariaDB did not start (see $base/server.log)"
  fi
  export COCORICO_ADMIN_URL="mysql://root@127.0.0.1:$port"
}

# A random secret for this checkout's sandbox, kept in .data/sandbox/ (mode 0600).
sandbox_secret() {
  local file="$DATA_DIR/sandbox/$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$DATA_DIR/sandbox" && (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$file")
  fi
  cat "$file"
}

# Runs `sandbox <args…>` (a server that prints `listening on http://ADDR`) in
# the background and prints its base URL once it listens. Logs go to
# .data/sandbox/<name>.log; stop_sandbox stops it.
start_emulator() {
  local name="$1"; shift
  local log="$DATA_DIR/sandbox/$name.log" url=""
  mkdir -p "$DATA_DIR/sandbox"
  "$SANDBOX_BIN" "$@" >"$log" 2>&1 &
  echo "$!" >>"$SANDBOX_PIDS"
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$log" | head -1)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; die "the $name emulator did not start (see $log)"; }
  echo "$url"
}

stop_sandbox() {
  local pid
  [ -n "${SANDBOX_PIDS:-}" ] && [ -f "$SANDBOX_PIDS" ] || return 0
  for pid in $(cat "$SANDBOX_PIDS"); do kill "$pid" 2>/dev/null || true; done
  for pid in $(cat "$SANDBOX_PIDS"); do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -f "$SANDBOX_PIDS"
}

# The demo's stand-ins for the three platforms (SANDBOX_BIN, already built): starts the
# Kill Bill and Condo emulators on free ports, loads a generated Cocorico
# database into MariaDB with a read-only account and serves its images, and exports the KILLBILL_*,
# CONDO_* and COCORICO_* variables that point Marketplace at them. Credentials
# are random per checkout. Call stop_sandbox (or let the EXIT trap) to stop them.
start_sandbox() {
  ensure_mariadb
  [ -x "${SANDBOX_BIN:-}" ] || die "the sandbox is not built (build_server_bins or the test build makes it)"
  mkdir -p "$DATA_DIR/sandbox"
  # The emulators' process ids (they run in the background, started from subshells).
  SANDBOX_PIDS="$DATA_DIR/sandbox/pids.$$"
  : >"$SANDBOX_PIDS"

  export KILLBILL_USERNAME=admin
  KILLBILL_PASSWORD="$(sandbox_secret killbill-password)"
  KILLBILL_API_KEY="marketplace"
  KILLBILL_API_SECRET="$(sandbox_secret killbill-api-secret)"
  export KILLBILL_PASSWORD KILLBILL_API_KEY KILLBILL_API_SECRET
  KILLBILL_URL="$(KILLBILL_SANDBOX_ADMIN_PASSWORD="$KILLBILL_PASSWORD" KILLBILL_SANDBOX_API_KEY="$KILLBILL_API_KEY" \
    KILLBILL_SANDBOX_API_SECRET="$KILLBILL_API_SECRET" start_emulator killbill killbill --listen 127.0.0.1:0)"
  export KILLBILL_URL
  say "Kill Bill emulator on $KILLBILL_URL"

  CONDO_IDENTITY="marketplace-sync@example.com"
  CONDO_PASSWORD="$(sandbox_secret condo-password)"
  export CONDO_IDENTITY CONDO_PASSWORD
  CONDO_URL="$(CONDO_SANDBOX_EMAIL="$CONDO_IDENTITY" CONDO_SANDBOX_PASSWORD="$CONDO_PASSWORD" \
    start_emulator condo condo --listen 127.0.0.1:0 --sign-in-limit 0)"
  export CONDO_URL
  say "Condo emulator on $CONDO_URL"
  CONDO_WEBHOOK_TOKEN="$(sandbox_secret condo-webhook-token)"
  export CONDO_WEBHOOK_TOKEN

  local ro_password database="${COCORICO_SANDBOX_DATABASE:-cocorico_demo}"
  ro_password="$(sandbox_secret cocorico-ro-password)"
  say "loading a generated Cocorico database ($database) into MariaDB"
  COCORICO_RO_PASSWORD="$ro_password" "$SANDBOX_BIN" cocorico load --database "$database" >&2
  local host="${COCORICO_ADMIN_URL#mysql://}"; host="${host#*@}"
  export COCORICO_DATABASE_URL="mysql://cocorico_ro:$ro_password@$host/$database"
  # Cocorico's site serves the listings' images; the sandbox answers those paths.
  COCORICO_BASE_URL="$(start_emulator cocorico-images cocorico serve --listen 127.0.0.1:0)"
  export COCORICO_BASE_URL
}

# Writes the offline data of every compile-checked query into $1: the query
# macros run against a scratch database migrated from migrations/ while
# clippy checks every target (with the server feature), so the same pass
# also fails on any clippy warning.
prepare_offline_queries() {
  local out="$1" db="marketplace_sqlx_prepare" url fresh="$TARGET_DIR/sqlx-prepare"
  recreate_database "$db"
  url="$(database_url_for "$db")"
  for f in "$ROOT"/migrations/*.sql; do psql_cmd "$url" -f "$f" >/dev/null; done
  rm -rf "$fresh" && mkdir -p "$fresh"
  # The macros must run again even where nothing changed since the last check.
  touch "$ROOT/app/src/lib.rs" "$ROOT/src/lib.rs" "$ROOT/sandbox/src/lib.rs"
  (cd "$ROOT" && SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$fresh" DATABASE_URL="$url" \
    cargo clippy --locked --workspace --all-targets --features app/ssr -- -D warnings >&2)
  # Only a complete pass replaces $out.
  rm -rf "$out" && mv "$fresh" "$out"
}

# Fails when .sqlx/ differs from what the queries in the code need (a query
# changed, was added or removed without scripts/sqlx-prepare.sh).
check_offline_queries() {
  local fresh="$TARGET_DIR/sqlx-checked"
  prepare_offline_queries "$fresh"
  if ! diff -r -q "$ROOT/.sqlx" "$fresh" >&2; then
    die ".sqlx/ is out of date: run scripts/sqlx-prepare.sh and commit .sqlx/"
  fi
}

# Code review checks: formatting, clippy (server and browser builds, every
# target, warnings are errors) and the offline query data.
review_checks() {
  say "formatting (cargo fmt --check)"
  (cd "$ROOT" && cargo fmt --all --check >&2) || die "unformatted code: run cargo fmt --all"
  say "clippy for the server build, and the offline query data (.sqlx/)"
  check_offline_queries
  say "clippy for the browser build (hydrate, wasm32)"
  (cd "$ROOT" && cargo clippy --locked -p app --lib --target wasm32-unknown-unknown \
    --no-default-features --features hydrate -- -D warnings >&2)
}

# Drops the databases full-stack tests left behind on the DATABASE_URL server.
drop_test_databases() {
  local admin names
  admin="$(database_url_for postgres)"
  names="$(psql_cmd "$admin" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'mkt\_it\_%'")"
  for name in $names; do psql_cmd "$admin" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null; done
}
