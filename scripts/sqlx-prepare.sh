#!/usr/bin/env bash
# Regenerates .sqlx/ (the offline query data that lets builds check SQL
# without a database). Run it after changing a query or a migration.
#   scripts/sqlx-prepare.sh          rewrites .sqlx/
#   scripts/sqlx-prepare.sh --check  fails when .sqlx/ is not what the code's queries need
source "$(dirname "$0")/lib.sh"
ensure_database
if [ "${1:-}" = "--check" ]; then
  check_offline_queries
else
  prepare_offline_queries "$ROOT/.sqlx"
  say "wrote $(ls "$ROOT/.sqlx" | wc -l) query files to .sqlx/"
fi
