#!/usr/bin/env bash
# Install the JavaScript the browser tests inject into pages (axe-core, for the accessibility
# checks in tests/browser) from deploy/local/browser-tools/package-lock.json into
# .local/browser-tools/node_modules, which is git-ignored. Idempotent: when the installed copy
# matches the lock file this exits at once, without running npm or touching the network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SOURCE="$ROOT/deploy/local/browser-tools"
TARGET="$ROOT/.local/browser-tools"
STAMP="$TARGET/.installed"
AXE="$TARGET/node_modules/axe-core/axe.min.js"

lock_hash() {
    cat "$SOURCE/package.json" "$SOURCE/package-lock.json" | sha256sum | cut -d' ' -f1
}

WANT="$(lock_hash)"
if [[ -f "$AXE" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "browser-tools: npm is needed once to install axe-core for the browser tests;" \
         "install Node.js 18 or newer (with npm) and run this again." >&2
    exit 1
fi

echo "browser-tools: installing axe-core from the npm registry into .local/browser-tools (one-off)..." >&2
mkdir -p "$TARGET"
rm -f "$STAMP"
cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$TARGET/"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
# `npm ci` installs exactly what the lock pins (integrity checked) and runs no install scripts.
if ! (cd "$TARGET" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "browser-tools: npm ci failed; see the output above." >&2
    exit 1
fi
if [[ ! -f "$AXE" ]]; then
    echo "browser-tools: npm ci finished but $AXE is missing." >&2
    exit 1
fi
echo "$WANT" >"$STAMP"
echo "browser-tools: axe-core $(cd "$TARGET" && node -p 'require("axe-core/package.json").version' 2>/dev/null || echo '') ready." >&2
