#!/usr/bin/env bash
# Runs the Marketplace with demo data: installs missing tools, provides a
# database (DATABASE_URL, or a private PostgreSQL cluster in .data/), builds,
# migrates, seeds and serves on http://127.0.0.1:3101.
source "$(dirname "$0")/lib.sh"

ensure_rust_tools
ensure_node_modules
ensure_database
build_site

BIN="$(server_bin)"
export MARKETPLACE_SITE_ROOT="${MARKETPLACE_SITE_ROOT:-$ROOT/target/site}"
export MARKETPLACE_DEMO="${MARKETPLACE_DEMO:-true}"
export MARKETPLACE_LOG_FORMAT="${MARKETPLACE_LOG_FORMAT:-pretty}"
"$BIN" migrate
"$BIN" seed demo
say "Marketplace is starting on http://${MARKETPLACE_HOST:-127.0.0.1}:${MARKETPLACE_PORT:-3101} (Ctrl-C stops it)"
exec "$BIN" serve
