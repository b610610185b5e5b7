"""Malformed records injected straight into every topic a service consumes end in that topic's
dead-letter topic, parked by every group that reads it, while a valid event after them is still
handled. The services' own routing tables (their worker specs) say which topics those are."""

from __future__ import annotations

import importlib
import json
import threading
import uuid
from dataclasses import dataclass, field

import pytest
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from shared.consumer import ConsumerRunner, RetryPolicy, ensure_processed_indexes
from shared.contracts import contract_for, topic_for_type
from shared.envelope import Envelope
from shared.kafka import make_producer
from shared.topics import dlq_topic
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all, send_raw

SERVICES = ("intake", "sessions", "outcomes", "notifications")
HUGE_BYTES = 900_000  # under the broker's 1 MB limit, so the record is accepted and must be parked


@dataclass
class Consumer:
    """One service's consumer as its worker runs it, reading its topics from their current end."""

    service: str
    group: str
    handlers: dict
    topics: list[str]
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


@dataclass(frozen=True)
class Injected:
    token: str  # the record's key, to find it again in the dead-letter topic
    topic: str
    event_type: str | None = None  # parked only by groups that handle this type; None: by every group


def example_event(event_type: str, version: int = 1) -> Envelope:
    contract = contract_for(event_type, 1)
    data = dict(contract.example)
    return Envelope(
        type=event_type, version=version, source=event_type.split(".")[0], subject=data[contract.subject], data=data
    )


def at_end(bootstrap: str, group: str, topics: list[str]) -> KafkaConsumer:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="latest",
        allow_auto_create_topics=False,
    )
    partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]
    consumer.assign(partitions)
    consumer.seek_to_end(*partitions)
    for partition in partitions:
        consumer.position(partition)  # settles the position now, before anything is injected
    return consumer


@pytest.fixture
def service_consumers(infra, db):
    ensure_processed_indexes(db)
    consumers: list[Consumer] = []
    for service in SERVICES:
        spec = importlib.import_module(f"services.{service}.bootstrap").worker_spec()
        spec.ensure_indexes(db)
        handlers = dict(spec.build_handlers(db))
        topics = sorted({topic_for_type(t) for t in handlers})
        consumer = Consumer(service, f"poison-{service}-{uuid.uuid4().hex[:6]}", handlers, topics)
        runner = ConsumerRunner(
            service=service,
            group=consumer.group,
            db=db,
            consumer=at_end(infra.kafka_bootstrap, consumer.group, topics),
            producer_factory=lambda: make_producer(infra.kafka_bootstrap, "dlq"),
            handlers=handlers,
            retry=RetryPolicy(handler_attempts=2, initial_backoff=0.05),
        )
        consumer.thread = threading.Thread(target=runner.run, args=(consumer.stop, 200), daemon=True)
        consumer.thread.start()
        consumers.append(consumer)
    yield consumers
    for consumer in consumers:
        consumer.stop.set()
    for consumer in consumers:
        assert consumer.thread is not None
        consumer.thread.join(30)
        assert not consumer.thread.is_alive(), f"the {consumer.service} consumer did not stop"


def first_type(reader: Consumer, topic: str) -> str:
    return sorted(t for t in reader.handlers if topic_for_type(t) == topic)[0]


def inject_poison(bootstrap: str, topic: str, handled_type: str) -> list[Injected]:
    """Every kind of malformed record, each keyed by a fresh token."""
    valid = example_event(handled_type)
    unknown_version = example_event(handled_type, version=99)
    kinds: list[tuple[bytes, list, str | None]] = [
        (b"not json \x00\xff", [], None),
        (b"[1, 2, 3]", [], None),  # JSON, but not an object
        (json.dumps({"type": handled_type, "data": {}}).encode(), [], None),  # an envelope missing fields
        (json.dumps({"padding": "x" * HUGE_BYTES}).encode(), [], None),
        (valid.to_bytes(), [], None),  # a well-formed event without the relay's headers
        (unknown_version.to_bytes(), unknown_version.kafka_headers(), handled_type),
    ]
    injected = []
    for value, headers, event_type in kinds:
        token = f"poison-{uuid.uuid4().hex[:10]}"
        send_raw(bootstrap, topic, value, key=token.encode(), headers=headers)
        injected.append(Injected(token, topic, event_type))
    return injected


def parked_by(bootstrap: str, topic: str, tokens: set[str]) -> set[tuple[str, str]]:
    """(group, token) of the injected records parked in `topic`'s dead-letter topic so far."""
    found = set()
    for record in read_all(bootstrap, dlq_topic(topic), expect=10**6, timeout=2):
        key = (record.key or b"").decode()
        if key in tokens:
            found.add((dict(record.headers)["dlq_group"].decode(), key))
    return found


def test_poison_in_every_consumed_topic_is_parked_and_valid_events_still_handled(infra, db, service_consumers):
    bootstrap = infra.kafka_bootstrap
    topics = sorted({topic for consumer in service_consumers for topic in consumer.topics})
    assert topics == sorted(f"{s}.events" for s in SERVICES)  # every service's events are consumed somewhere
    injected: list[Injected] = []
    valid: list[tuple[Consumer, Envelope]] = []
    for topic in topics:
        readers = [c for c in service_consumers if topic in c.topics]
        for reader in readers:
            injected += inject_poison(bootstrap, topic, first_type(reader, topic))
        # After the poison, valid events (one per type: the same example twice would be a
        # different event with the same records, which a handler may rightly refuse).
        for event_type in sorted({first_type(reader, topic) for reader in readers}):
            event = example_event(event_type)
            send_raw(bootstrap, topic, event.to_bytes(), key=event.subject.encode(), headers=event.kafka_headers())
            valid += [(reader, event) for reader in readers if event_type in reader.handlers]

    expected = {
        (reader.group, item.token)
        for item in injected
        for reader in service_consumers
        if item.topic in reader.topics and (item.event_type is None or item.event_type in reader.handlers)
    }

    def all_parked() -> bool:
        tokens = {item.token for item in injected}
        return expected <= set().union(*(parked_by(bootstrap, topic, tokens) for topic in topics))

    wait_for(all_parked, 120, "every malformed record in its topic's dead-letter topic", interval=1)
    for reader, event in valid:
        marker = f"{reader.group}:{event.id}"
        wait_for(
            lambda m=marker: db.processed_events.find_one({"_id": m}), 60, f"{event.type} handled by {reader.service}"
        )
