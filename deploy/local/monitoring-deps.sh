#!/usr/bin/env bash
# Make sure Debian's Prometheus (with promtool) and Alertmanager are present for `make run` and the
# tests (deploy/local/prometheus.sh and alertmanager.sh start them). Idempotent and silent when
# already satisfied; installs the `prometheus` and `prometheus-alertmanager` packages otherwise.
# The project runs its own instances on its own ports and folders: the packages' system services
# are neither needed nor used (stop them if your init system started them and they hold 9090).
set -euo pipefail

PROMETHEUS="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
PROMTOOL="${PROMTOOL_BIN:-/usr/bin/promtool}"
ALERTMANAGER="${ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}"
PACKAGES=(prometheus prometheus-alertmanager)

present() {
    [[ -x "$PROMETHEUS" && -x "$PROMTOOL" && -x "$ALERTMANAGER" ]]
}

if present; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "monitoring-deps: Prometheus, promtool or Alertmanager is missing and apt-get is unavailable;" \
         "install Prometheus 2.x and Alertmanager 0.25+ yourself (or set PROMETHEUS_BIN, PROMTOOL_BIN," \
         "ALERTMANAGER_BIN to their binaries)." >&2
    exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "monitoring-deps: Prometheus or Alertmanager is missing and installing them needs root." >&2
    echo "  Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
    exit 1
fi

echo "monitoring-deps: installing ${PACKAGES[*]} from Debian (one-off, well under a minute)..." >&2
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
# No recommends: the node exporter is not part of the platform.
if ! { "${SUDO[@]}" apt-get update -qq &&
       "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "monitoring-deps: apt-get failed; see the output above." >&2
    exit 1
fi

if ! present; then
    echo "monitoring-deps: installed ${PACKAGES[*]} but $PROMETHEUS, $PROMTOOL or $ALERTMANAGER is still missing." >&2
    exit 1
fi
echo "monitoring-deps: $("$PROMETHEUS" --version 2>&1 | head -n 1) and" \
     "$("$ALERTMANAGER" --version 2>&1 | head -n 1) ready." >&2
