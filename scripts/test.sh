#!/usr/bin/env bash
# The whole test suite: every test on SQLite, then every database test again on
# PostgreSQL (127.0.0.1:5432; a throwaway database is created and dropped), and
# the import-layering contracts. Starts PostgreSQL and Redis if they are installed
# but not running.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
fi

export ESCPOS_CAPABILITIES_PICKLE_DIR="$PWD/var/escpos-cache"
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"
POS_TEST_DATABASE=postgresql .venv/bin/python -m pytest -q -m db "$@"
