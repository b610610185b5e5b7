"""The outbox relay beside its ceiling: relay publishes per second against raw kafka-python
produce of the same records on the same broker, and how soon a committed record is published.

`measure(db, bootstrap)` works on a database and broker that are running; `run()` starts both
for the measurement (as `make bench` does) and stops them after.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from pymongo import ASCENDING

from shared.db import mongo_client
from shared.kafka import ensure_topics, kafka_reachable, make_producer
from shared.outbox import OUTBOX, PENDING, OutboxRelay, ensure_outbox_indexes, outbox_record
from shared.topics import TopicSpec, dlq_topic
from tests.support.events import registered_event
from tests.support.infra import free_port, kafka_process, mongo_process, wait_for

RECORDS = 5000
LATENCY_SAMPLES = 50


def run(records: int = RECORDS) -> list[dict[str, Any]]:
    root = Path(tempfile.mkdtemp(prefix="ipt-bench-relay-"))
    kafka_port, mongo_port = free_port(), free_port()
    kafka = kafka_process(root / "kafka", kafka_port, free_port())
    mongo = mongo_process(root / "mongo", mongo_port)
    bootstrap = f"127.0.0.1:{kafka_port}"
    try:
        mongo.start()
        kafka.start()
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "kafka")
        db = mongo_client(f"mongodb://127.0.0.1:{mongo_port}/")["bench_relay"]
        return measure(db, bootstrap, records)
    finally:
        kafka.stop()
        mongo.stop()


def measure(db, bootstrap: str, records: int = RECORDS) -> list[dict[str, Any]]:
    ensure_outbox_indexes(db)
    raw_topic, relay_topic = _topic(bootstrap), _topic(bootstrap)
    clients = [str(uuid.uuid4()) for _ in range(50)]
    batch = [outbox_record(registered_event(client_id=clients[i % len(clients)]), i) for i in range(records)]

    raw_per_second = _raw_produce(bootstrap, raw_topic, batch)

    db[OUTBOX].insert_many([dict(record, topic=relay_topic) for record in batch])
    relay = OutboxRelay(db, lambda: make_producer(bootstrap, "bench-relay"), "bench")
    started = time.perf_counter()
    while relay.publish_pending():
        pass
    relay_per_second = records / (time.perf_counter() - started)
    relay.reset_producer()
    assert db[OUTBOX].count_documents({"status": PENDING}) == 0
    database_per_second = _raw_read_and_mark(db, batch, relay.batch_size)

    return [
        {"benchmark": "relay.raw_produce", "records": records, "per_second": round(raw_per_second)},
        {"benchmark": "relay.raw_read_and_mark", "records": records, "per_second": round(database_per_second)},
        {"benchmark": "relay.publish", "records": records, "per_second": round(relay_per_second)},
        {"benchmark": "relay.publish_vs_raw", "ratio": round(relay_per_second / raw_per_second, 2)},
        {
            "benchmark": "relay.publish_vs_slower_ceiling",
            "ratio": round(relay_per_second / min(raw_per_second, database_per_second), 2),
        },
        _wake_latency(db, bootstrap, relay_topic),
    ]


def _topic(bootstrap: str) -> str:
    name = f"bench.relay.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, (TopicSpec(name, 3), TopicSpec(dlq_topic(name), 1)))
    return name


def _raw_produce(bootstrap: str, topic: str, batch: list[dict[str, Any]]) -> float:
    """The ceiling: the same records sent with the same producer settings, nothing else."""
    producer = make_producer(bootstrap, "bench-raw")
    try:
        started = time.perf_counter()
        futures = [
            producer.send(
                topic,
                key=record["key"].encode(),
                value=bytes(record["value"]),
                headers=[(name, bytes(value)) for name, value in record["headers"]],
            )
            for record in batch
        ]
        producer.flush(timeout=60)
        for future in futures:
            future.get(timeout=60)
        return len(batch) / (time.perf_counter() - started)
    finally:
        producer.close()


def _raw_read_and_mark(db, batch: list[dict[str, Any]], batch_size: int) -> float:
    """The database's ceiling: the relay's reads and marks alone, nothing sent, on a fresh
    outbox of the same records."""
    outbox = db[f"{OUTBOX}_ceiling"]
    outbox.create_index([("status", ASCENDING), ("created_at", ASCENDING), ("seq", ASCENDING)])
    outbox.insert_many([dict(record) for record in batch])
    started = time.perf_counter()
    while True:
        oldest = outbox.find({"status": PENDING}).sort([("created_at", ASCENDING), ("seq", ASCENDING)])
        ids = [record["_id"] for record in oldest.limit(batch_size)]
        if not ids:
            break
        outbox.update_many({"_id": {"$in": ids}}, {"$set": {"status": "sent"}})
    return len(batch) / (time.perf_counter() - started)


def _wake_latency(db, bootstrap: str, topic: str, samples: int = LATENCY_SAMPLES) -> dict[str, Any]:
    """Insert → marked sent, one record at a time, with the relay running on a 30 s fallback
    timer: the change stream is what wakes it."""
    relay = OutboxRelay(db, lambda: make_producer(bootstrap, "bench-relay-live"), "bench")
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop, 30.0), daemon=True)
    thread.start()
    wait_for(lambda: relay.wakeup.stream is not None, 10, "the change stream")
    latencies = []
    try:
        for _ in range(samples):
            record = outbox_record(registered_event(), 0, topic)
            started = time.perf_counter()
            db[OUTBOX].insert_one(record)
            wait_for(
                lambda record_id=record["_id"]: db[OUTBOX].find_one({"_id": record_id, "status": "sent"}),
                10,
                "the record to be published",
                interval=0.002,
            )
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        stop.set()
        thread.join(30)
    return {
        "benchmark": "relay.insert_to_published_ms",
        "samples": samples,
        "p50": round(statistics.median(latencies), 1),
        "p95": round(statistics.quantiles(latencies, n=20)[18], 1),
    }


if __name__ == "__main__":
    import json

    for result in run():
        print(json.dumps(result), flush=True)
