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

# shellcheck source=deploy/local/apt-install.sh
source "$HERE/apt-install.sh"
apt_install browser-deps "$CHROMIUM (or set CHROMIUM=/path/to/chromium)" "${PACKAGES[@]}"

if [[ ! -x "$CHROMIUM" ]]; then
    echo "browser-deps: installed ${PACKAGES[*]} but $CHROMIUM is still missing." >&2
    exit 1
fi
echo "browser-deps: $("$CHROMIUM" --version 2>/dev/null || echo chromium) ready." >&2
exec bash "$HERE/browser-tools.sh"
