#!/usr/bin/env bash
# Mirrors our invoices and payments into Kill Bill once (`marketplace sync killbill`).
# Needs DATABASE_URL and the KILLBILL_* variables (see .env.example); a .env file is read.
# Exits non-zero when the run failed.
exec "$(dirname "$0")/sync.sh" killbill
