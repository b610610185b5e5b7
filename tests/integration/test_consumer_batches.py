"""A polled batch in one transaction: once-only effects, reads of the batch's own writes, one
offset commit, and a poison event that sinks only itself."""

from __future__ import annotations

import threading
import uuid

import pytest

from shared.consumer import ConsumerRunner, RetryPolicy, ensure_processed_indexes
from shared.kafka import make_consumer, make_producer
from shared.mongo_store import MongoDocuments
from shared.topics import dlq_topic
from tests.support.events import registered_event
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all, send_events, send_raw
from tests.support.tallies import TALLIES, Tally, tally_handler

EVENT = "intake.client.registered"


class CountingCommits:
    """Counts the offset commits a runner makes, passing them on to the real consumer."""

    def __init__(self, consumer) -> None:
        self.consumer = consumer
        self.commits = 0

    def commit(self, offsets=None):
        self.commits += 1
        return self.consumer.commit(offsets)

    def __getattr__(self, name):
        return getattr(self.consumer, name)


@pytest.fixture
def start_runner(infra, db, private_topic_name):
    ensure_processed_indexes(db)
    started: list[tuple[threading.Thread, threading.Event]] = []

    def start(handler, group: str | None = None, batch_size: int = 100) -> CountingCommits:
        group = group or f"test-{uuid.uuid4().hex[:8]}"
        # Its own Kafka group each time: a second runner with the same marker group re-reads all.
        kafka_group = f"{group}-{uuid.uuid4().hex[:6]}"
        consumer = CountingCommits(make_consumer(infra.kafka_bootstrap, kafka_group, [private_topic_name], group))
        runner = ConsumerRunner(
            service="test",
            group=group,
            db=db,
            consumer=consumer,  # type: ignore[arg-type]
            producer_factory=lambda: make_producer(infra.kafka_bootstrap, "dlq"),
            handlers={EVENT: handler},
            retry=RetryPolicy(handler_attempts=2, initial_backoff=0.05),
            batch_size=batch_size,
        )
        stop = threading.Event()
        thread = threading.Thread(target=runner.run, args=(stop, 200), daemon=True)
        thread.start()
        started.append((thread, stop))
        return consumer

    yield start
    for thread, stop in started:
        stop.set()
        thread.join(30)
        assert not thread.is_alive(), "the runner did not stop when asked"


def handled(db, events) -> bool:
    return db.effects.count_documents({"event_id": {"$in": [e.id for e in events]}}) >= len(events)


def test_a_batch_reads_its_own_writes_and_commits_its_offsets_once(infra, db, private_topic_name, start_runner):
    client = str(uuid.uuid4())
    events = [registered_event(client) for _ in range(30)]
    send_events(infra.kafka_bootstrap, private_topic_name, events)
    consumer = start_runner(tally_handler(db))
    wait_for(lambda: handled(db, events), 60, "the batch to be handled")
    tally = db.tallies.find_one({"_id": client})
    assert tally["seen"] == 30
    assert tally["order"] == [e.id for e in events]  # per-client order kept
    assert db.processed_events.count_documents({}) == 30
    assert consumer.commits < 30  # whole batches committed, not event by event


def test_a_redelivered_batch_changes_nothing(infra, db, private_topic_name, start_runner):
    events = [registered_event() for _ in range(10)]
    send_events(infra.kafka_bootstrap, private_topic_name, events)
    start_runner(tally_handler(db), group="same-group")
    wait_for(lambda: handled(db, events), 60, "the first delivery")
    # The same marker group reading everything again (as after a lost offset commit).
    sentinel = registered_event()
    send_events(infra.kafka_bootstrap, private_topic_name, [sentinel])
    start_runner(tally_handler(db), group="same-group")
    wait_for(lambda: db.tallies.find_one({"_id": sentinel.subject, "seen": {"$gte": 1}}), 60, "the sentinel")
    wait_for(lambda: db.processed_events.count_documents({}) == 11, 30, "every marker")
    assert db.effects.count_documents({}) == 11
    assert sorted(t["seen"] for t in db.tallies.find()) == [1] * 11


def test_a_poison_event_in_a_batch_is_parked_alone(infra, db, private_topic_name, start_runner):
    before = [registered_event() for _ in range(5)]
    buggy = registered_event()
    after = [registered_event() for _ in range(5)]
    effect = tally_handler(db)

    def fails_for_one(event, data, uow):
        if event.id == buggy.id:
            raise ValueError("handler bug")
        effect(event, data, uow)

    send_events(infra.kafka_bootstrap, private_topic_name, before)
    send_raw(infra.kafka_bootstrap, private_topic_name, b"{not json")
    send_events(infra.kafka_bootstrap, private_topic_name, [buggy, *after])
    start_runner(fails_for_one)
    wait_for(lambda: handled(db, before + after), 60, "the good events around the poison ones")
    parked = read_all(infra.kafka_bootstrap, dlq_topic(private_topic_name), 2)
    assert sorted(dict(r.headers)["dlq_error"] for r in parked) == [b"PoisonMessage", b"ValueError"]
    assert db.effects.count_documents({}) == 10
    assert db.effects.count_documents({"event_id": buggy.id}) == 0
    assert db.processed_events.count_documents({}) == 10


def test_a_failed_write_in_a_batch_leaves_nothing_of_its_unit_of_work(infra, db, private_topic_name, start_runner):
    """The first write of the unit of work lands in the shared transaction before the second
    fails; the batch must not commit it, even though the handler swallows the error."""
    events = [registered_event() for _ in range(6)]
    tallies = MongoDocuments(db, TALLIES)
    first = events[0]

    def adds_twice_for_one(event, data, uow):
        if event.id == first.id:
            tallies.add(Tally("shared-tally", 1, []), uow)
            tallies.add(Tally("shared-tally", 2, []), uow)  # the second add fails on commit
            try:
                uow.commit()
            except Exception:  # noqa: BLE001 - swallowed on purpose
                return
        uow.stage(lambda s: db.effects.insert_one({"event_id": event.id}, session=s))
        uow.commit()

    send_events(infra.kafka_bootstrap, private_topic_name, events)
    start_runner(adds_twice_for_one)
    wait_for(lambda: handled(db, events[1:]), 60, "the other events")
    # Event by event, the failed unit of work rolled back whole: no tally was half written.
    assert db.tallies.count_documents({"_id": "shared-tally"}) == 0
    assert db.effects.count_documents({}) == 5
