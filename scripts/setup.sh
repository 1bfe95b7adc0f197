#!/usr/bin/env bash
# Installs everything the server and the tests need, idempotently:
#   Debian packages (fonts for Chinese tickets; chromium and libzbar0 for the tests),
#   a virtualenv in .venv with requirements.txt, and the npm packages the pages use.
# Usage: scripts/setup.sh [--test]   (--test adds the test-only Debian packages)
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(fonts-noto-cjk)
if [[ "${1:-}" == "--test" ]]; then debs+=(chromium libzbar0); fi
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then "$PY" -m venv .venv; fi
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
