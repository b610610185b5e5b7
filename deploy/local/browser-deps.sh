#!/usr/bin/env bash
# Make sure Debian's headless Chromium is present for the browser tests (tests/browser), and
# the axe-core accessibility checker they inject (browser-tools.sh, pinned by a lock file).
# Idempotent and silent when already satisfied; installs the `chromium` package otherwise.
# Playwright's own browser download does not work here, so the tests drive /usr/bin/chromium.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-liberation)   # fonts: readable, stable screenshots

if [[ -x "$CHROMIUM" ]]; then
    exec bash "$HERE/browser-tools.sh"
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser-deps: $CHROMIUM is missing and apt-get is unavailable;" \
         "install Chromium yourself (or set CHROMIUM=/path/to/chromium)." >&2
    exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "browser-deps: $CHROMIUM is missing and installing it needs root." >&2
    echo "  Run: sudo apt-get update && sudo apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
fi

echo "browser-deps: installing ${PACKAGES[*]} from Debian (one-off, well under a minute)..." >&2
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! { "${SUDO[@]}" apt-get update -qq &&
       "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "browser-deps: apt-get failed; see the output above." >&2
    exit 1
fi

if [[ ! -x "$CHROMIUM" ]]; then
    echo "browser-deps: installed ${PACKAGES[*]} but $CHROMIUM is still missing." >&2
    exit 1
fi
echo "browser-deps: $("$CHROMIUM" --version 2>/dev/null || echo chromium) ready." >&2
exec bash "$HERE/browser-tools.sh"
