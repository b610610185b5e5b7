#!/usr/bin/env bash
# Runs a single-node Apache Kafka (KRaft, combined broker + controller) on the machine's JDK.
# Jars come from `make kafka-jars`; storage is formatted once, so data survives restarts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
libs="${KAFKA_LIBS:-$root/.local/kafka/libs}"
data="${KAFKA_DATA_DIR:-$root/.local/data/kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-512m}"

[ -d "$libs" ] || { echo "kafka jars missing in $libs: run 'make kafka-jars'" >&2; exit 1; }
mkdir -p "$data/logs"
config="$data/server.properties"
sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" -e "s|@LOG_DIR@|$data/logs|g" \
  "$root/deploy/kafka/server.properties.in" > "$config"

java_opts=(-Xms256m "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$root/deploy/kafka/log4j2.yaml" "-Dkafka.logs.dir=$data")
classpath="$libs/*"

if [ ! -f "$data/logs/meta.properties" ]; then
  cluster_id="$(java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)"
  java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool format --standalone \
    -t "$cluster_id" -c "$config" >/dev/null
fi
exec java -cp "$classpath" "${java_opts[@]}" kafka.Kafka "$config"
