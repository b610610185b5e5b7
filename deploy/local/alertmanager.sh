#!/usr/bin/env bash
# Runs Debian's Alertmanager for the local stack (`bash deploy/local/monitoring-deps.sh` installs it):
# alerts are routed by severity and e-mailed to ops through the local mail sink (SMTP_PORT), so every
# one can be read in the Maildir MAIL_DIR. The configuration is rendered by shared/monitoring.py.
# Its web port defaults to 9094, as 9093 (its usual one) is Kafka's controller here; clustering
# (which would listen on 9094 too) is off: one instance is all the local stack needs.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${ALERTMANAGER_DATA_DIR:-$root/.local/data/alertmanager}"
port="${ALERTMANAGER_PORT:-9094}"
binary="${ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}"

[ -x "$binary" ] || { echo "alertmanager missing at $binary: run 'bash deploy/local/monitoring-deps.sh'" >&2; exit 1; }
mkdir -p "$data"
python -m shared.monitoring alertmanager > "$data/alertmanager.yml"
exec "$binary" \
  --config.file="$data/alertmanager.yml" \
  --storage.path="$data" \
  --web.listen-address="127.0.0.1:$port" \
  --cluster.listen-address="" \
  --log.level="${ALERTMANAGER_LOG_LEVEL:-warn}"
