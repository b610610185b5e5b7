"""Consumer throughput on a real broker and database: the runner handling batches in one
transaction, the runner one event per transaction, and raw kafka-python consumption of the
same records (the ceiling), side by side in one run.

`measure(bootstrap, db)` uses a broker and database already running; `run()` starts its own.
`python -m tests.bench.consumer [events]` prints one JSON line per figure.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from shared.consumer import ConsumerRunner, ensure_processed_indexes
from shared.db import mongo_client
from shared.kafka import DEFAULT_BATCH_SIZE, kafka_reachable, make_consumer, make_producer
from tests.support.events import registered_event
from tests.support.infra import free_port, kafka_process, mongo_process, wait_for
from tests.support.kafka_tools import private_topic, send_events
from tests.support.tallies import tally_handler

EVENTS = 2000
PARTITIONS = 3
EVENTS_PER_CLIENT = 3  # several events of one client, so batches read what they wrote
EVENT_TYPE = "intake.client.registered"


def run(events: int = EVENTS) -> list[dict[str, Any]]:
    root = Path(tempfile.mkdtemp(prefix="ipt-bench-consumer-"))
    kafka_port, mongo_port = free_port(), free_port()
    kafka = kafka_process(root / "kafka", kafka_port, free_port())
    mongo = mongo_process(root / "mongo", mongo_port)
    bootstrap = f"127.0.0.1:{kafka_port}"
    kafka.start_timeout = mongo.start_timeout = 300  # a loaded machine starts the JVM slowly
    try:
        mongo.start()
        kafka.start()
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "kafka")
        client = mongo_client(f"mongodb://127.0.0.1:{mongo_port}/")
        return measure(bootstrap, client.get_database("bench_consumer"), events)
    finally:
        kafka.stop()
        mongo.stop()


def measure(
    bootstrap: str, db: Any, events: int = EVENTS, batch_size: int = DEFAULT_BATCH_SIZE
) -> list[dict[str, Any]]:
    """Produces `events` into a private topic, then times each way of consuming all of them."""
    topic = private_topic(bootstrap, partitions=PARTITIONS)
    clients = [str(uuid.uuid4()) for _ in range(max(1, events // EVENTS_PER_CLIENT))]
    send_events(bootstrap, topic, [registered_event(clients[i % len(clients)]) for i in range(events)])
    ensure_processed_indexes(db)
    raw = _raw_rate(bootstrap, topic, events)
    batched = _runner_rate(bootstrap, db, topic, events, batch_size)
    single = _runner_rate(bootstrap, db, topic, events, 1)
    figures = {
        "consumer.raw_kafka_python": raw,
        "consumer.runner_batched": batched,
        "consumer.runner_per_event": single,
    }
    results: list[dict[str, Any]] = [
        {"benchmark": name, "events": events, "per_second": round(rate)} for name, rate in figures.items()
    ]
    results.append(
        {
            "benchmark": "consumer.ratios",
            "batch_size": batch_size,
            "batched_vs_raw": round(batched / raw, 3),
            "per_event_vs_raw": round(single / raw, 3),
            "batched_vs_per_event": round(batched / single, 2),
        }
    )
    return results


def _raw_rate(bootstrap: str, topic: str, events: int) -> float:
    """Plain kafka-python reading every record, from the first record in hand to the last."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, allow_auto_create_topics=False
    )
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        received, first = 0, None
        deadline = time.monotonic() + 120
        while received < events and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                first = first or time.perf_counter()
                received += len(records)
        if first is None or received < events:
            raise TimeoutError(f"raw consumption read {received} of {events}")
        return events / (time.perf_counter() - first)
    finally:
        consumer.close()


def _runner_rate(bootstrap: str, db: Any, topic: str, events: int, batch_size: int) -> float:
    """The runner with a realistic handler (read a projection, write it back), from the first
    event handled to the offset commit that covers the last one (the offsets are committed only
    after the events' transactions, and reading them costs the database nothing). A group of
    its own, markers included, so each run handles every event."""
    group = f"bench-{batch_size}-{uuid.uuid4().hex[:6]}"
    for collection in ("tallies", "effects"):  # each run starts from no projection at all
        db.drop_collection(collection)
    handle = tally_handler(db)
    first: list[float] = []

    def timed(event: Any, data: dict[str, Any], uow: Any) -> None:
        if not first:
            first.append(time.perf_counter())
        handle(event, data, uow)

    consumer = _CommitClock(make_consumer(bootstrap, group, [topic], group, batch_size))
    runner = ConsumerRunner(
        service="bench",
        group=group,
        db=db,
        consumer=consumer,  # type: ignore[arg-type]
        producer_factory=lambda: make_producer(bootstrap, "bench-dlq"),
        handlers={EVENT_TYPE: timed},
        batch_size=batch_size,
    )
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop, 100), daemon=True)
    thread.start()
    try:
        wait_for(lambda: consumer.committed_total >= events, 900, "every event handled", 0.2)
        return events / (consumer.last_commit - first[0])
    finally:
        stop.set()
        thread.join(30)


class _CommitClock:
    """Passes everything to the consumer; notes when offsets are committed and how far."""

    def __init__(self, consumer: KafkaConsumer) -> None:
        self._consumer = consumer
        self._next: dict[TopicPartition, int] = {}
        self.committed_total = 0
        self.last_commit = 0.0

    def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        self._consumer.commit(offsets)
        self.last_commit = time.perf_counter()
        self._next.update({tp: meta.offset for tp, meta in offsets.items()})
        self.committed_total = sum(self._next.values())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._consumer, name)


if __name__ == "__main__":
    for result in run(int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS):
        print(json.dumps(result), flush=True)
