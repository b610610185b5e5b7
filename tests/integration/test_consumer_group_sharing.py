"""Two workers of one service share the partitions of their topics through the consumer group:
while one joins and another leaves, every event takes effect exactly once, in order per client."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

from shared.consumer import ConsumerRunner, RetryPolicy, ensure_processed_indexes
from shared.envelope import Envelope
from shared.kafka import make_consumer, make_producer
from tests.support.events import registered_event
from tests.support.infra import wait_for
from tests.support.kafka_tools import private_topic, send_events
from tests.support.tallies import tally_handler

EVENT = "intake.client.registered"
CLIENTS = [str(uuid.uuid4()) for _ in range(12)]


class Worker:
    def __init__(self, bootstrap: str, db, topic: str, group: str, name: str) -> None:
        self.runner = ConsumerRunner(
            service="test",
            group=group,
            db=db,
            consumer=make_consumer(bootstrap, group, [topic], name),
            producer_factory=lambda: make_producer(bootstrap, "dlq"),
            handlers={EVENT: tally_handler(db)},
            retry=RetryPolicy(initial_backoff=0.05),
            batch_size=20,
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.runner.run, args=(self.stop, 200), daemon=True)
        self.thread.start()

    def leave(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive(), "the worker did not stop when asked"


def produce(bootstrap: str, topic: str, rounds: int) -> list[Envelope]:
    events = [registered_event(client) for _ in range(rounds) for client in CLIENTS]
    send_events(bootstrap, topic, events)
    return events


def test_two_workers_share_partitions_without_losing_or_repeating_effects(infra, db):
    bootstrap = infra.kafka_bootstrap
    topic = private_topic(bootstrap, partitions=4)
    ensure_processed_indexes(db)
    group = f"shared-{uuid.uuid4().hex[:8]}"
    sent: list[Envelope] = []

    first = Worker(bootstrap, db, topic, group, "first")
    sent += produce(bootstrap, topic, 5)
    wait_for(lambda: db.effects.count_documents({}) > 0, 60, "the first worker to start handling")
    second = Worker(bootstrap, db, topic, group, "second")
    sent += produce(bootstrap, topic, 5)  # while the group rebalances to two members
    wait_for(lambda: all(w.runner.consumer.assignment() for w in (first, second)), 60, "both to own partitions")
    sent += produce(bootstrap, topic, 5)
    first.leave()  # mid-stream: its partitions move to the second worker
    sent += produce(bootstrap, topic, 5)
    try:
        wait_for(lambda: db.effects.count_documents({}) >= len(sent), 90, "every event's effect")
        wait_for(lambda: db.processed_events.count_documents({}) >= len(sent), 30, "every marker")
    finally:
        second.leave()

    effects = Counter(doc["event_id"] for doc in db.effects.find())
    assert set(effects) == {event.id for event in sent}  # nothing lost
    assert set(effects.values()) == {1}  # nothing repeated
    for client in CLIENTS:
        tally = db.tallies.find_one({"_id": client})
        assert tally["order"] == [event.id for event in sent if event.subject == client]
