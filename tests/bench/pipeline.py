"""The event pipeline on a real broker and database: commit → outbox relay → consumer.

Measures transactional commits per second, relay publish rate, consumer handling rate and
the latency from commit to handled, on a Kafka broker and SecantusDB started for the run.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from shared.consumer import ConsumerRunner, ensure_processed_indexes
from shared.db import mongo_client
from shared.envelope import utcnow
from shared.kafka import ensure_topics, kafka_reachable, make_consumer, make_producer
from shared.mongo_store import MongoUnitOfWork
from shared.outbox import OUTBOX, OutboxRelay, ensure_outbox_indexes
from shared.topics import TopicSpec, dlq_topic
from tests.support.events import registered_event
from tests.support.infra import free_port, kafka_process, mongo_process, wait_for

EVENTS = 2000


def run(events: int = EVENTS) -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="ipt-bench-"))
    kafka_port, mongo_port = free_port(), free_port()
    kafka = kafka_process(root / "kafka", kafka_port, free_port())
    mongo = mongo_process(root / "mongo", mongo_port)
    bootstrap = f"127.0.0.1:{kafka_port}"
    try:
        mongo.start()
        kafka.start()
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "kafka")
        db = mongo_client(f"mongodb://127.0.0.1:{mongo_port}/")["bench"]
        return _measure(db, bootstrap, events)
    finally:
        kafka.stop()
        mongo.stop()


def _measure(db, bootstrap: str, events: int) -> list[dict]:
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, (TopicSpec(topic, 3), TopicSpec(dlq_topic(topic), 1)))
    ensure_outbox_indexes(db)
    ensure_processed_indexes(db)

    started = time.perf_counter()
    for _ in range(events):
        uow = MongoUnitOfWork(db, "bench")
        sample = registered_event()
        uow.stage(lambda s, doc={"_id": sample.subject}: db.clients.insert_one(doc, session=s))
        uow.publish(sample.type, 1, sample.subject, sample.data)
        uow.commit()
    commit_seconds = time.perf_counter() - started
    db[OUTBOX].update_many({}, {"$set": {"topic": topic}})

    handled_at: dict[str, float] = {}
    runner_stop, runner = _start_consumer(db, bootstrap, topic, handled_at)
    relay = OutboxRelay(db, lambda: make_producer(bootstrap, "bench-relay"), "bench")
    started = time.perf_counter()
    while relay.publish_pending():
        pass
    relay_seconds = time.perf_counter() - started
    wait_for(lambda: len(handled_at) >= events, 300, "the consumer to handle every event", interval=0.1)
    consume_seconds = max(handled_at.values()) - started
    runner_stop.set()
    runner.join(30)
    relay.reset_producer()
    latencies = _latencies(db, bootstrap, topic, handled_at)
    return [
        {"benchmark": "pipeline.commit", "events": events, "per_second": round(events / commit_seconds)},
        {"benchmark": "pipeline.relay_publish", "events": events, "per_second": round(events / relay_seconds)},
        {"benchmark": "pipeline.consume", "events": events, "per_second": round(events / consume_seconds)},
        *latencies,
        {"benchmark": "process.max_rss_mb", "value": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)},
    ]


def _start_consumer(db, bootstrap: str, topic: str, handled_at: dict[str, float]):
    def handle(event, data, uow) -> None:
        uow.commit()
        handled_at[event.id] = time.perf_counter()

    group = f"bench-{uuid.uuid4().hex[:6]}"
    runner = ConsumerRunner(
        service="bench",
        group=group,
        db=db,
        consumer=make_consumer(bootstrap, group, [topic], group),
        producer_factory=lambda: make_producer(bootstrap, "bench-dlq"),
        handlers={"intake.client.registered": handle},
    )
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop, 100), daemon=True)
    thread.start()
    return stop, thread


def _latencies(db, bootstrap: str, topic: str, handled_at: dict[str, float], samples: int = 100) -> list[dict]:
    """Commit-to-handled latency with the relay and consumer running live, one event at a time."""
    handled_at.clear()
    stop, thread = _start_consumer(db, bootstrap, topic, handled_at)
    relay = OutboxRelay(db, lambda: make_producer(bootstrap, "bench-relay-live"), "bench")
    relay_thread = threading.Thread(target=relay.run, args=(stop, 0.05), daemon=True)
    relay_thread.start()
    latencies = []
    for _ in range(samples):
        uow = MongoUnitOfWork(db, "bench")
        sample = registered_event()
        event = uow.publish(sample.type, 1, sample.subject, sample.data)
        committed = time.perf_counter()
        uow.commit()
        db[OUTBOX].update_one({"_id": event.id}, {"$set": {"topic": topic}})
        wait_for(lambda event_id=event.id: event_id in handled_at, 30, "the event to be handled", interval=0.005)
        latencies.append((handled_at[event.id] - committed) * 1000)
    stop.set()
    thread.join(30)
    relay_thread.join(30)
    quantiles = statistics.quantiles(latencies, n=20)
    return [
        {
            "benchmark": "pipeline.commit_to_handled_ms",
            "samples": samples,
            "p50": round(statistics.median(latencies), 1),
            "p95": round(quantiles[18], 1),
            "at": utcnow().isoformat(),
        }
    ]
