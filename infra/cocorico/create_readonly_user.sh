#!/bin/sh
# Creates (or re-creates) the read-only MySQL account of the Marketplace's
# Cocorico import, on the MySQL server of this machine or container, through
# infra/cocorico/readonly_user.sql, as an account allowed to create users (by
# default MySQL's root over the local socket, as in the `cocolabs/cocorico` image).
#
#   COCORICO_RO_PASSWORD=...  sh create_readonly_user.sh
#
# COCORICO_RO_USER (default cocorico_ro) and COCORICO_RO_DATABASE (default
# cocorico) name the account and the database. The password is never printed;
# it must be URL-safe (letters, digits, `.`, `_`, `~`, `-`) because it also goes
# into the Marketplace's COCORICO_DATABASE_URL. MYSQL is the client command
# (default `mysql -uroot`; for a remote server e.g. MYSQL="mysql -h db.example
# -u admin", its password in ~/.my.cnf). docker-compose.yml runs this as the
# `cocorico` service's post-start hook. It waits up to COCORICO_RO_WAIT_SECS
# (default 300) for the server to answer.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
sql="${COCORICO_RO_SQL:-$here/readonly_user.sql}"
user="${COCORICO_RO_USER:-cocorico_ro}"
database="${COCORICO_RO_DATABASE:-cocorico}"
password="${COCORICO_RO_PASSWORD:-}"
wait_secs="${COCORICO_RO_WAIT_SECS:-300}"
mysql="${MYSQL:-mysql -uroot}"

fail() { echo "create_readonly_user: $*" >&2; exit 1; }

[ -n "$password" ] || fail "COCORICO_RO_PASSWORD is not set (e.g. openssl rand -hex 16)"
case "$password" in *[!A-Za-z0-9._~-]*) fail "COCORICO_RO_PASSWORD may only hold letters, digits, . _ ~ -" ;; esac
case "$user$database" in *[!A-Za-z0-9_]*) fail "COCORICO_RO_USER and COCORICO_RO_DATABASE may only hold letters, digits and _" ;; esac
[ -f "$sql" ] || fail "$sql is missing"

waited=0
until $mysql -e 'SELECT 1' >/dev/null 2>&1; do
    [ "$waited" -lt "$wait_secs" ] || fail "MySQL did not answer within ${wait_secs}s"
    sleep 2
    waited=$((waited + 2))
done

# The password travels on stdin, never on a command line.
{
    printf "SET @ro_user = '%s', @ro_database = '%s', @ro_password = '%s';\n" "$user" "$database" "$password"
    cat "$sql"
} | $mysql
echo "create_readonly_user: $user may now SELECT in $database"
