#!/usr/bin/env bash
# The whole test suite: the import-layering contracts, every test on SQLite, then every
# database test again on PostgreSQL (127.0.0.1:5432, user postgres; a throwaway database
# is created and dropped). Starts PostgreSQL and Redis when they are installed but stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

pg_ok() {
  .venv/bin/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null
}
if ! pg_ok; then
  cluster=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start 2>/dev/null || true
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
  if ! pg_ok; then
    # A fresh Debian cluster wants a password on 127.0.0.1; the tests connect as postgres
    # without one. Trust exactly that, on loopback only.
    hba=/etc/postgresql/$cluster/main/pg_hba.conf
    echo "scripts/test.sh: letting user postgres connect from 127.0.0.1 without a password ($hba)"
    grep -q "restaurant-server tests" "$hba" || sed -i '1i host all postgres 127.0.0.1/32 trust # restaurant-server tests' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main reload
  fi
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi

export ESCPOS_CAPABILITIES_PICKLE_DIR="$PWD/var/escpos-cache"
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"  # the same property-test examples every run
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"
POS_TEST_DATABASE=postgresql .venv/bin/python -m pytest -q -m db "$@"
