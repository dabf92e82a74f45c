#!/usr/bin/env bash
# Regenerates .sqlx/ (the offline query data that lets builds check SQL
# without a database). Run it after changing a query or a migration.
source "$(dirname "$0")/lib.sh"
ensure_database
DB="marketplace_sqlx_prepare"
recreate_database "$DB"
URL="$(database_url_for "$DB")"
for f in "$ROOT"/migrations/*.sql; do psql_cmd "$URL" -f "$f" >/dev/null; done
rm -rf "$ROOT/.sqlx" && mkdir -p "$ROOT/.sqlx"
touch "$ROOT/app/src/lib.rs" "$ROOT/src/lib.rs"
(cd "$ROOT" && SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$ROOT/.sqlx" DATABASE_URL="$URL" \
  cargo check --workspace --tests --features app/ssr >&2)
say "wrote $(ls "$ROOT/.sqlx" | wc -l) query files to .sqlx/"
