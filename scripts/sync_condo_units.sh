#!/usr/bin/env bash
# Imports units and maintenance tickets from Condo once (`marketplace sync condo`).
# Needs DATABASE_URL and the CONDO_* variables (see .env.example); a .env file is read.
#
# Properties are matched only through links an admin creates (external_ref, platform
# `condo`, entity `property`); see app/src/server/store/condo_import.rs for the SQL.
exec "$(dirname "$0")/sync.sh" condo
