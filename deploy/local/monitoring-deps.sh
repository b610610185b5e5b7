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

# shellcheck source=deploy/local/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
apt_install monitoring-deps "Prometheus, promtool or Alertmanager (or set PROMETHEUS_BIN, PROMTOOL_BIN, ALERTMANAGER_BIN)" \
    "${PACKAGES[@]}"

if ! present; then
    echo "monitoring-deps: installed ${PACKAGES[*]} but $PROMETHEUS, $PROMTOOL or $ALERTMANAGER is still missing." >&2
    exit 1
fi
echo "monitoring-deps: $("$PROMETHEUS" --version 2>&1 | head -n 1) and" \
     "$("$ALERTMANAGER" --version 2>&1 | head -n 1) ready." >&2
