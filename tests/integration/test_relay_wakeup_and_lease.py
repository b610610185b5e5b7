"""The relay on the real database and broker: woken by the change stream, one publisher at a time.

The fallback timer is set to 30 s in these tests, so a record published within a few seconds
was published because the change stream woke the relay.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta

from shared.envelope import parse_envelope, utcnow
from shared.kafka import make_producer
from shared.lease import LEASES, LeaseTerms
from shared.outbox import OUTBOX, PENDING, RELAY_LEASE, OutboxRelay, ensure_outbox_indexes, outbox_record, relay_lease
from tests.support.events import registered_event
from tests.support.infra import wait_for
from tests.support.kafka_tools import private_topic, read_all

FALLBACK_SECONDS = 30.0
FAST_LEASE = LeaseTerms(
    duration=timedelta(seconds=3),
    renew_every=timedelta(seconds=0.5),
    margin=timedelta(seconds=1),
    look_every=timedelta(seconds=0.3),
)


class RunningRelay:
    def __init__(self, db, infra, holder: str | None = None) -> None:
        lease = relay_lease(db, holder, FAST_LEASE) if holder else None
        self.relay = OutboxRelay(
            db, lambda: make_producer(infra.kafka_bootstrap, f"test-{holder}"), "intake", send_timeout=10, lease=lease
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.relay.run, args=(self.stop, FALLBACK_SECONDS), daemon=True)

    def __enter__(self) -> RunningRelay:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


def insert_on(db, topic: str, client_id: str, session=None) -> str:
    """A committed event's outbox record, written straight onto a private topic (a relay may
    be running, so the record must not land first on the event's real topic)."""
    event = registered_event(client_id=client_id)
    db[OUTBOX].insert_one(outbox_record(event, 0, topic), session=session)
    return event.id


def pending(db) -> int:
    return db[OUTBOX].count_documents({"status": PENDING})


def test_a_committed_record_is_published_at_once_not_on_the_timer(db, infra, private_topic_name):
    ensure_outbox_indexes(db)
    with RunningRelay(db, infra) as running:
        wait_for(lambda: running.relay.wakeup.stream is not None, 10, "the change stream to open")
        time.sleep(0.5)  # the first pass is over; the relay now waits on the stream
        started = time.monotonic()
        event_id = insert_on(db, private_topic_name, str(uuid.uuid4()))
        wait_for(lambda: pending(db) == 0, 10, "the record to be published", interval=0.02)
        assert time.monotonic() - started < 2.0  # far inside the 30 s timer
    assert [parse_envelope(r.value).id for r in read_all(infra.kafka_bootstrap, private_topic_name, 1)] == [event_id]


def test_a_record_written_in_a_transaction_wakes_the_relay(db, infra, private_topic_name):
    ensure_outbox_indexes(db)
    with RunningRelay(db, infra) as running:
        wait_for(lambda: running.relay.wakeup.stream is not None, 10, "the change stream to open")
        time.sleep(0.5)
        started = time.monotonic()
        with db.client.start_session() as session:
            session.with_transaction(
                lambda s: (
                    db.things.insert_one({"_id": "changed"}, session=s),
                    insert_on(db, private_topic_name, "c-tx", session=s),
                )
            )
        wait_for(lambda: pending(db) == 0, 10, "the record to be published", interval=0.02)
        assert time.monotonic() - started < 2.0


def test_a_change_stream_that_breaks_is_reopened(db, infra, private_topic_name):
    ensure_outbox_indexes(db)
    with RunningRelay(db, infra) as running:
        wakeup = running.relay.wakeup
        wait_for(lambda: wakeup.stream is not None, 10, "the change stream to open")
        time.sleep(0.5)
        wakeup.stream.close()  # as a database restart would end it
        wait_for(lambda: wakeup.opened >= 2 and wakeup.stream is not None, 10, "the stream to be reopened")
        time.sleep(0.5)
        started = time.monotonic()
        insert_on(db, private_topic_name, str(uuid.uuid4()))
        wait_for(lambda: pending(db) == 0, 10, "the record to be published", interval=0.02)
        assert time.monotonic() - started < 2.0


def test_two_relays_publish_each_record_once_and_in_order_per_client(db, infra):
    topic = private_topic(infra.kafka_bootstrap, partitions=3)
    ensure_outbox_indexes(db)
    clients = [str(uuid.uuid4()) for _ in range(4)]
    written: dict[str, list[str]] = defaultdict(list)
    with RunningRelay(db, infra, "relay-a") as first, RunningRelay(db, infra, "relay-b") as second:
        for round_ in range(30):
            for client_id in clients:
                written[client_id].append(insert_on(db, topic, client_id))
            if round_ % 10 == 9:
                time.sleep(0.3)
        wait_for(lambda: pending(db) == 0, 30, "every record to be published")
        holders = {first.relay.lease.held(), second.relay.lease.held()}
    records = read_all(infra.kafka_bootstrap, topic, 120)
    published: dict[str, list[str]] = defaultdict(list)
    for record in records:
        published[record.key.decode()].append(parse_envelope(record.value).id)
    assert sum(len(ids) for ids in published.values()) == 120  # each once
    assert dict(published) == dict(written)  # and each client's in the order written
    assert holders == {True, False}


def test_the_lease_passes_over_when_its_holder_stops(db, infra, private_topic_name):
    ensure_outbox_indexes(db)
    first = RunningRelay(db, infra, "relay-a").__enter__()
    try:
        wait_for(lambda: first.relay.lease.held(), 10, "the first relay to take the lease")
        with RunningRelay(db, infra, "relay-b") as second:
            time.sleep(1.0)
            assert not second.relay.lease.held()
            first.__exit__(None)  # a clean stop releases the lease
            wait_for(lambda: second.relay.lease.held(), 5, "the second relay to take over")
            insert_on(db, private_topic_name, str(uuid.uuid4()))
            wait_for(lambda: pending(db) == 0, 10, "the second relay to publish")
            assert db[LEASES].find_one({"_id": RELAY_LEASE})["holder"] == "relay-b"
    finally:
        first.stop.set()


def test_a_lease_whose_holder_vanished_passes_over_once_it_lapses(db, infra, private_topic_name):
    """A holder killed with -9 neither renews nor releases: its lease lapses after its duration."""
    ensure_outbox_indexes(db)
    db[LEASES].insert_one(
        {"_id": RELAY_LEASE, "holder": "killed", "expires_at": utcnow() + FAST_LEASE.duration, "renewed_at": utcnow()}
    )
    started = time.monotonic()
    with RunningRelay(db, infra, "relay-b") as second:
        insert_on(db, private_topic_name, str(uuid.uuid4()))
        time.sleep(1.0)
        assert pending(db) == 1  # the lease is still the killed holder's
        wait_for(lambda: second.relay.lease.held(), 10, "the lease to pass over")
        wait_for(lambda: pending(db) == 0, 10, "the record to be published")
    taken_after = time.monotonic() - started
    assert FAST_LEASE.duration.total_seconds() - 0.5 <= taken_after
