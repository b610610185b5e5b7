#!/usr/bin/env bash
# Runs the embedded MongoDB-compatible server (SecantusDB, WiredTiger storage) for the local stack.
# It presents a single-node replica set, so transactions work as they do on MongoDB.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${MONGO_DATA_DIR:-$root/.local/data/mongo}"
mkdir -p "$data"
exec python -m secantus --host 127.0.0.1 --port "${MONGO_PORT:-27017}" --storage-path "$data" \
  --log-level WARNING
