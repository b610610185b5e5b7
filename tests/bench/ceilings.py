"""The ceilings: what the broker and the database do for raw clients, with the platform's own client
settings and records of the platform's own size (outbox records of a real event), on the same broker
and database as the figures beside them."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from shared.envelope import utcnow
from shared.kafka import ensure_topics, make_consumer, make_producer
from shared.outbox import outbox_record
from shared.topics import TopicSpec, dlq_topic
from tests.support.events import registered_event
from tests.support.infra import wait_for

PARTITIONS = 3


@dataclass(frozen=True)
class Ceilings:
    produce_per_second: float
    consume_per_second: float
    insert_per_second: float
    transaction_per_second: float
    record_bytes: int


def sample_records(count: int, topic: str) -> list[dict[str, Any]]:
    """Outbox records of `intake.client.registered` events: the key, value and headers the relay sends."""
    return [outbox_record(registered_event(), 0, topic) for _ in range(count)]


def private_topic(bootstrap: str, prefix: str) -> str:
    """A topic of the run's own, with its dead-letter topic as every consumed topic has."""
    topic = f"bench.{prefix}.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, (TopicSpec(topic, PARTITIONS), TopicSpec(dlq_topic(topic), 1)))
    return topic


def raw_produce(bootstrap: str, records: list[dict[str, Any]]) -> float:
    """Records/s for kafka-python with the platform's producer settings (acks=all, idempotent), all
    sent then flushed, every acknowledgement checked. The first record connects and is not timed."""
    producer = make_producer(bootstrap, "bench-raw-produce")

    def send(record: dict[str, Any]) -> Any:
        headers = [(name, bytes(value)) for name, value in record["headers"]]
        return producer.send(record["topic"], key=record["key"].encode(), value=bytes(record["value"]), headers=headers)

    try:
        send(records[0]).get(timeout=30)
        started = time.perf_counter()
        futures = [send(record) for record in records[1:]]
        producer.flush(timeout=60)
        for future in futures:
            future.get(timeout=30)
        return len(futures) / (time.perf_counter() - started)
    finally:
        producer.close(timeout=5)


def raw_consume(bootstrap: str, topic: str, expected: int) -> float:
    """Records/s for a kafka-python consumer with the platform's consumer settings in a fresh group,
    timed from the start of the topic once the group has its partitions (joining is not reading)."""
    group = f"bench-raw-{uuid.uuid4().hex[:6]}"
    consumer = make_consumer(bootstrap, group, [topic], group)
    try:
        wait_for(lambda: consumer.poll(timeout_ms=200) is not None and consumer.assignment(), 60, "partitions")
        consumer.seek_to_beginning()
        seen = 0
        started = time.perf_counter()
        deadline = time.monotonic() + 120
        while seen < expected and time.monotonic() < deadline:
            seen += sum(len(records) for records in consumer.poll(timeout_ms=500).values())
        if seen < expected:
            raise RuntimeError(f"raw consumption read {seen} of {expected} records")
        return seen / (time.perf_counter() - started)
    finally:
        consumer.close()


def raw_inserts(db: Any, count: int, document_bytes: int) -> float:
    """insert_one per document, acknowledged, documents the size of an event."""
    collection = db[f"bench_raw_inserts_{uuid.uuid4().hex[:6]}"]
    padding = "x" * document_bytes
    started = time.perf_counter()
    for _ in range(count):
        collection.insert_one({"_id": str(uuid.uuid4()), "payload": padding, "at": utcnow()})
    return count / (time.perf_counter() - started)


def raw_transactions(db: Any, count: int) -> float:
    """One transaction per event with one insert (a processed marker), as pymongo's `with_transaction`
    runs it: the least a consumer that commits each event alone can cost."""
    collection = db[f"bench_raw_transactions_{uuid.uuid4().hex[:6]}"]
    collection.insert_one({"_id": "warm-up"})
    started = time.perf_counter()
    for _ in range(count):
        marker = {"_id": f"bench:{uuid.uuid4()}", "group": "bench", "processed_at": utcnow()}

        def insert(session: Any, document: dict[str, Any] = marker) -> None:
            collection.insert_one(dict(document), session=session)

        with db.client.start_session() as session:
            session.with_transaction(insert)
    return count / (time.perf_counter() - started)


def measure(bootstrap: str, db: Any, events: int) -> Ceilings:
    topic = private_topic(bootstrap, "raw")
    records = sample_records(events, topic)
    produce = raw_produce(bootstrap, records)
    consume = raw_consume(bootstrap, topic, events)
    size = len(bytes(records[0]["value"]))
    return Ceilings(
        produce_per_second=produce,
        consume_per_second=consume,
        insert_per_second=raw_inserts(db, events, size),
        transaction_per_second=raw_transactions(db, events),
        record_bytes=size,
    )
