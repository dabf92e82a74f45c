#!/usr/bin/env bash
# Prints a mix of portal searches, one query string per line, the same every time (seeded):
# cities, terms (month, night, any), price bands within a term, bedrooms, text queries,
# sorts and pages 1 to 5, so that no cache of one URL can carry a benchmark.
# Usage: mix.sh <count> <city>...
set -euo pipefail
count="$1"; shift
printf '%s\n' "$@" | awk -v count="$count" '
  { cities[++n] = $0 }
  function pick(k) { return int(rand() * k) + 1 }
  function enc(s) { gsub(/ /, "%20", s); return s }
  BEGIN { srand(17) }
  END {
    split("Bright Quiet Renovated Spacious Cosy Modern Charming Sunny flat house studio loft", words, " ")
    split("newest price price_desc", sorts, " ")
    for (i = 1; i <= count; i++) {
      kind = i % 6; q = ""
      city = enc(cities[pick(n)])
      if (kind == 0) q = "city=" city
      else if (kind == 1) { lo = 300 + 100 * pick(10); q = "city=" city "&term=month&min_price=" lo "&max_price=" lo + 100 * pick(8) "&sort=" sorts[pick(3)] }
      else if (kind == 2) q = "q=" words[pick(12)] (rand() < 0.5 ? "&city=" city : "")
      else if (kind == 3) { q = "max_price=" 600 + 100 * pick(10) "&bedrooms=" pick(3) "&sort=price" }
      else if (kind == 4) { lo = 10 * pick(6); q = "term=night&min_price=" lo "&max_price=" lo + 20 * pick(5) "&sort=" sorts[pick(3)] }
      else q = "term=any&city=" city
      print "?" q "&page=" pick(5)
    }
  }'
