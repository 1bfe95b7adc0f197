#!/usr/bin/env bash
# Installs everything the server (and, with --test, the test suite) needs, idempotently:
#   Debian packages: fonts-noto-cjk (Chinese on tickets), nodejs/npm and python3-venv when
#   missing; with --test also chromium and libzbar0, and PostgreSQL and Redis when the
#   machine has none;
#   a virtualenv in .venv with requirements.txt; the npm packages the pages serve.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

debs=()
need() { dpkg -s "$1" >/dev/null 2>&1 || debs+=("$1"); }
need fonts-noto-cjk
command -v npm >/dev/null || debs+=(nodejs npm)
python3 -c "import ensurepip, venv" 2>/dev/null || debs+=(python3-venv)
if [[ "${1:-}" == "--test" ]]; then
  need chromium
  need libzbar0
  command -v pg_ctlcluster >/dev/null || debs+=(postgresql)
  command -v redis-server >/dev/null || debs+=(redis-server)
fi
if ((${#debs[@]})); then
  echo "installing Debian packages: ${debs[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${debs[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then python3 -m venv .venv; fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat $stamp)" != "$want" ]]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > $stamp
fi

nstamp=node_modules/.lock.sha
nwant=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $nstamp || "$(cat $nstamp)" != "$nwant" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$nwant" > $nstamp
fi
