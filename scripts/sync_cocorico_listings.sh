#!/usr/bin/env bash
# Imports Cocorico's approved listings once (`marketplace sync cocorico`): a full
# snapshot through the read-only MySQL account, diffed by content hash.
# Needs DATABASE_URL and the COCORICO_* variables (see .env.example); a .env file is read.
exec "$(dirname "$0")/sync.sh" cocorico
