#!/usr/bin/env bash
# Make sure Debian's wrk (HTTP load generator) is present for `make bench` (tests/bench/wrk.py).
# Idempotent and silent when already satisfied; installs the `wrk` package otherwise.
set -euo pipefail

WRK="${WRK_BIN:-$(command -v wrk || echo /usr/bin/wrk)}"

if [[ -x "$WRK" ]]; then
    exit 0
fi

# shellcheck source=deploy/local/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
apt_install bench-deps "wrk (or set WRK_BIN)" wrk

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench-deps: installed wrk but it is still missing from PATH." >&2
    exit 1
fi
echo "bench-deps: wrk ready." >&2
