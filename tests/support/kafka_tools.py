"""Small Kafka helpers for tests: make a private topic, read what is on a topic."""

from __future__ import annotations

import time
import uuid

from kafka import KafkaConsumer, KafkaProducer

from shared.kafka import ensure_topics
from shared.topics import TopicSpec, dlq_topic


def private_topic(bootstrap: str, partitions: int = 1) -> str:
    """A fresh topic (and its DLQ) for one test, so earlier tests' messages never interfere."""
    name = f"test.{uuid.uuid4().hex[:10]}"
    ensure_topics(bootstrap, (TopicSpec(name, partitions), TopicSpec(dlq_topic(name), 1)))
    return name


def read_all(bootstrap: str, topic: str, expect: int, timeout: float = 20.0) -> list:
    """Reads from the start of `topic` until `expect` records arrived or `timeout` passed."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        allow_auto_create_topics=False,
    )
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expect and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
        # A little longer, to catch anything beyond what was expected (duplicates).
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    finally:
        consumer.close()
    return records


def send_raw(bootstrap: str, topic: str, value: bytes, key: bytes = b"k", headers=None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        producer.send(topic, key=key, value=value, headers=headers or []).get(timeout=20)
    finally:
        producer.close()


def send_events(bootstrap: str, topic: str, events) -> None:
    """Publishes envelopes as the relay would: keyed by subject, with the type/id headers."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        futures = [
            producer.send(topic, key=e.subject.encode(), value=e.to_bytes(), headers=e.kafka_headers()) for e in events
        ]
        for future in futures:
            future.get(timeout=20)
    finally:
        producer.close()
