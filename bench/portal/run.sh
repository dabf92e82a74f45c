#!/usr/bin/env bash
# Benchmarks the portal search: 100,000 listings in a fresh PostgreSQL database,
# the release server against a baseline (a bare axum handler running the same
# SQL and writing the same data) in the same run, with wrk at 64 connections
# on /properties (HTML) and /api/properties (JSON), each request taking the next
# of a mix of 500 searches (bench/portal/mix.sh: cities, terms, price bands,
# bedrooms, text queries, sorts, pages 1 to 5), so no cache of one URL helps.
#
# Needs DATABASE_URL (a server where a database may be created; the database
# name in it is ignored). Optional: PORTAL_BENCH_LISTINGS (100000),
# PORTAL_BENCH_DURATION (seconds per run, 10), PORTAL_BENCH_ROUNDS (3: each
# endpoint is measured this many times on both servers, alternating which goes
# first, and the median is printed), PORTAL_BENCH_CONNECTIONS (64),
# PORTAL_BENCH_QUERY (one query string measured alone instead of the mix),
# PORTAL_BENCH_MIX (500: searches in the mix), MARKETPLACE_DB_MAX_CONNECTIONS (10, both servers),
# PORTAL_BENCH_PROFILE (a file: after the measured runs, one more run of
# /properties on the server under `perf record -g`, written there).
# Besides throughput and latency it prints each server's own CPU time per
# answer (from /proc/PID/stat), which PostgreSQL's share of the two cores
# does not blur: the render's cost is the difference.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
LISTINGS="${PORTAL_BENCH_LISTINGS:-100000}"
DURATION="${PORTAL_BENCH_DURATION:-10}"
ROUNDS="${PORTAL_BENCH_ROUNDS:-3}"
CONNECTIONS="${PORTAL_BENCH_CONNECTIONS:-64}"
QUERY="${PORTAL_BENCH_QUERY:-}"
MIX="${PORTAL_BENCH_MIX:-500}"
export MARKETPLACE_DB_MAX_CONNECTIONS="${MARKETPLACE_DB_MAX_CONNECTIONS:-10}"
SERVER_PORT="${PORTAL_BENCH_SERVER_PORT:-3197}"
BASELINE_PORT="${PORTAL_BENCH_BASELINE_PORT:-3198}"
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"

say() { printf '\033[1;32m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing wrk (apt-get)"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
  else
    die "wrk is required: sudo apt-get install -y wrk"
  fi
fi
command -v psql >/dev/null || die "psql is required (the PostgreSQL client)"

say "building the release server and the bench tools"
cargo build --release --locked -p marketplace --bin marketplace --example portal_bench_load --example portal_bench_baseline >&2
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/release"

BASE="${DATABASE_URL%%\?*}"
SERVER_URL="${BASE%/*}"
DB="mkt_bench_portal"
BENCH_URL="$SERVER_URL/$DB"
psql -q "$SERVER_URL/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >&2

say "loading $LISTINGS listings"
DATABASE_URL="$BENCH_URL" PORTAL_BENCH_LISTINGS="$LISTINGS" "$TARGET/examples/portal_bench_load"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  die "nothing answers at $1"
}

say "starting the server (:$SERVER_PORT) and the baseline (:$BASELINE_PORT)"
(
  export DATABASE_URL="$BENCH_URL" MARKETPLACE_PORT="$SERVER_PORT" MARKETPLACE_KEYS_DIR="$WORK/keys"
  export MARKETPLACE_PUBLIC_KEY_PATH="$WORK/public.pem" MARKETPLACE_LOG_DIR="$WORK/logs"
  export MARKETPLACE_SITE_ROOT="$ROOT/target/site" RUST_LOG="${RUST_LOG:-info,sqlx=warn,tower_http=info}"
  "$TARGET/marketplace" keys generate >/dev/null
  exec "$TARGET/marketplace" serve
) >"$WORK/server.log" 2>&1 &
PIDS+=("$!")
DATABASE_URL="$BENCH_URL" PORTAL_BASELINE_ADDR="127.0.0.1:$BASELINE_PORT" \
  "$TARGET/examples/portal_bench_baseline" >"$WORK/baseline.log" 2>&1 &
PIDS+=("$!")
wait_for "http://127.0.0.1:$SERVER_PORT/api/health/live"
wait_for "http://127.0.0.1:$BASELINE_PORT/api/properties"
# Each server's pid (the server's is the subshell's, exec'd into it).
declare -A PID_OF=([server]="${PIDS[0]}" [baseline]="${PIDS[1]}")

export PORTAL_BENCH_MIX_FILE="$WORK/mix.txt"
if [ -n "$QUERY" ]; then
  echo "?$QUERY" >"$PORTAL_BENCH_MIX_FILE"
  WHAT="\"$QUERY\" alone"
else
  mapfile -t CITIES < <(psql -At "$BENCH_URL" -c "SELECT DISTINCT city FROM listing ORDER BY 1")
  "$ROOT/bench/portal/mix.sh" "$MIX" "${CITIES[@]}" >"$PORTAL_BENCH_MIX_FILE"
  WHAT="a mix of $MIX searches (bench/portal/mix.sh)"
fi
# Every search of the mix must be a valid one, with the same total on both servers.
while read -r query; do
  a="$(curl -fsS "http://127.0.0.1:$SERVER_PORT/api/properties$query" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" \
    || die "the server refused $query"
  b="$(curl -fsS "http://127.0.0.1:$BASELINE_PORT/api/properties$query" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" \
    || die "the baseline refused $query"
  [ "$a" = "$b" ] || die "$query: $a results from the server, $b from the baseline"
done < <(head -n 60 "$PORTAL_BENCH_MIX_FILE")
say "searches: $WHAT"

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK_MS="$(awk -v hz="$(getconf CLK_TCK)" 'BEGIN { print 1000 / hz }')"

# Runs wrk on the endpoint $1 of the server at $2 (process $4) and prints
# "requests/s p50_ms p99_ms cpu_ms_per_request": the last is the server
# process's own CPU time per answer, PostgreSQL's and wrk's left out.
measure() {
  local before after
  before="$(cpu_ticks "$4")"
  PORTAL_BENCH_PREFIX="$1" wrk -t2 -c"$CONNECTIONS" -d"${3}s" --latency -s "$ROOT/bench/portal/mix.lua" "$2" >"$WORK/wrk.txt"
  after="$(cpu_ticks "$4")"
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then cat "$WORK/wrk.txt" >&2; die "non-2xx answers from $1"; fi
  awk -v ticks="$((after - before))" -v tick_ms="$TICK_MS" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    / requests in / { n = $1 }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.1f %.1f %.3f\n", rps, p50, p99, (n > 0 ? ticks * tick_ms / n : 0) }
  ' "$WORK/wrk.txt"
}

# The median of whitespace-separated numbers.
median() { tr ' ' '\n' | awk NF | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

declare -A RPS P50 P99 CPU
for path in "/properties" "/api/properties"; do
  for who in server baseline; do
    port=$SERVER_PORT; [ "$who" = baseline ] && port=$BASELINE_PORT
    measure "$path" "http://127.0.0.1:$port" 3 "${PID_OF[$who]}" >/dev/null # warm-up
  done
done
for round in $(seq 1 "$ROUNDS"); do
  order="server baseline"; [ $((round % 2)) = 0 ] && order="baseline server"
  for path in "/properties" "/api/properties"; do
    for who in $order; do
      port=$SERVER_PORT; [ "$who" = baseline ] && port=$BASELINE_PORT
      say "round $round/$ROUNDS: wrk -c$CONNECTIONS -d${DURATION}s $who $path"
      read -r rps p50 p99 cpu <<<"$(measure "$path" "http://127.0.0.1:$port" "$DURATION" "${PID_OF[$who]}")"
      RPS["$who $path"]+="$rps "; P50["$who $path"]+="$p50 "; P99["$who $path"]+="$p99 "; CPU["$who $path"]+="$cpu "
    done
  done
done

if [ -n "${PORTAL_BENCH_PROFILE:-}" ]; then
  say "profiling the server on /properties (perf record -g) into $PORTAL_BENCH_PROFILE"
  perf record -g -F 999 -p "${PID_OF[server]}" -o "$PORTAL_BENCH_PROFILE" -- sleep "$DURATION" >&2 2>/dev/null &
  PERF_PID=$!
  measure "/properties" "http://127.0.0.1:$SERVER_PORT" "$DURATION" "${PID_OF[server]}" >/dev/null
  wait "$PERF_PID" || die "perf record failed"
fi

HWM="$(awk '/VmHWM/ { print $2 }' "/proc/${PID_OF[server]}/status")"
BASE_HWM="$(awk '/VmHWM/ { print $2 }' "/proc/${PID_OF[baseline]}/status")"

echo
echo "portal search: $LISTINGS listings, $WHAT; wrk $CONNECTIONS connections;"
echo "median of $ROUNDS alternating runs of ${DURATION} s per server and endpoint; $(nproc) cores"
printf '%-16s %-9s %10s %9s %9s %12s %8s  %s\n' "endpoint" "server" "requests/s" "p50 ms" "p99 ms" "vs baseline" "cpu ms" \
  "requests/s per run"
for path in "/properties" "/api/properties"; do
  b_rps="$(median <<<"${RPS[baseline $path]}")"
  s_rps="$(median <<<"${RPS[server $path]}")"
  ratio="$(awk -v s="$s_rps" -v b="$b_rps" 'BEGIN { printf "%.2f", (b > 0 ? s / b : 0) }')"
  printf '%-16s %-9s %10.0f %9s %9s %12s %8s  %s\n' "$path" "app" "$s_rps" "$(median <<<"${P50[server $path]}")" \
    "$(median <<<"${P99[server $path]}")" "${ratio}x" "$(median <<<"${CPU[server $path]}")" "${RPS[server $path]}"
  printf '%-16s %-9s %10.0f %9s %9s %12s %8s  %s\n' "$path" "baseline" "$b_rps" "$(median <<<"${P50[baseline $path]}")" \
    "$(median <<<"${P99[baseline $path]}")" "1.00x" "$(median <<<"${CPU[baseline $path]}")" "${RPS[baseline $path]}"
done
echo "cpu ms: the server process's own CPU time per answer (user + system; PostgreSQL and wrk not counted)"
echo "server peak memory (VmHWM): $((HWM / 1024)) MiB; baseline: $((BASE_HWM / 1024)) MiB"
