#!/usr/bin/env bash
# Runs Debian's Prometheus for the local stack (`bash deploy/local/monitoring-deps.sh` installs it):
# it scrapes every web and worker process, evaluates deploy/prometheus/alerts.yml, sends alerts to the
# local Alertmanager and serves the console dashboards (deploy/prometheus/consoles, /consoles/ipt.html).
# The configuration is rendered from the environment (ports, intervals) by shared/monitoring.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${PROMETHEUS_DATA_DIR:-$root/.local/data/prometheus}"
port="${PROMETHEUS_PORT:-9090}"
binary="${PROMETHEUS_BIN:-/usr/bin/prometheus}"

[ -x "$binary" ] || { echo "prometheus missing at $binary: run 'bash deploy/local/monitoring-deps.sh'" >&2; exit 1; }
mkdir -p "$data"
python -m shared.monitoring prometheus > "$data/prometheus.yml"
exec "$binary" \
  --config.file="$data/prometheus.yml" \
  --storage.tsdb.path="$data/tsdb" \
  --storage.tsdb.retention.time="${PROMETHEUS_RETENTION:-15d}" \
  --web.listen-address="127.0.0.1:$port" \
  --web.console.templates="$root/deploy/prometheus/consoles" \
  --web.console.libraries="$root/deploy/prometheus/console_libraries" \
  --log.level="${PROMETHEUS_LOG_LEVEL:-warn}"
