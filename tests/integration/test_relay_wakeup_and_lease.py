"""The relay on the real database and broker: woken by the change stream, one publisher at a time.

The fallback timer is set to 30 s in these tests, so a record published within a few seconds
was published because the change stream woke the relay.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta

from shared.config import PROJECT_ROOT
from shared.envelope import parse_envelope, utcnow
from shared.kafka import make_producer
from shared.lease import LEASES, LeaseTerms
from shared.outbox import OUTBOX, PENDING, RELAY_LEASE, OutboxRelay, ensure_outbox_indexes, outbox_record, relay_lease
from tests.support.events import registered_event
from tests.support.infra import base_env, wait_for
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


# A relay in a process of its own, holding the lease until it is killed.
HOLDER_SCRIPT = """
import sys, threading
from datetime import timedelta
from shared.db import database
from shared.kafka import make_producer
from shared.lease import LeaseTerms
from shared.outbox import OutboxRelay, relay_lease
uri, name, bootstrap = sys.argv[1:4]
db = database(uri, name)
terms = LeaseTerms(timedelta(seconds=3), timedelta(seconds=0.5), timedelta(seconds=1), timedelta(seconds=0.3))
relay = OutboxRelay(db, lambda: make_producer(bootstrap, "killed"), "intake", lease=relay_lease(db, "killed", terms))
relay.run(threading.Event(), 30.0)
"""


def test_a_holder_killed_with_sigkill_hands_over_once_its_lease_lapses(db, infra, private_topic_name):
    ensure_outbox_indexes(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, infra.mongo_uri, db.name, infra.kafka_bootstrap],
        cwd=PROJECT_ROOT,
        env=base_env(),
    )
    try:
        wait_for(lambda: (db[LEASES].find_one({"_id": RELAY_LEASE}) or {}).get("holder") == "killed", 60, "the lease")
        with RunningRelay(db, infra, "relay-b") as second:
            time.sleep(1.0)
            assert not second.relay.lease.held()
            holder.send_signal(signal.SIGKILL)  # no release: the lease must lapse
            holder.wait(10)
            last = db[LEASES].find_one({"_id": RELAY_LEASE})
            # (On a machine so loaded that its last renewal came late, it may have lapsed already.)
            lapses_at = last["expires_at"] if last["holder"] == "killed" else utcnow()
            insert_on(db, private_topic_name, str(uuid.uuid4()))
            while utcnow() < lapses_at - timedelta(seconds=0.2):  # not taken before it lapsed ...
                assert not second.relay.lease.held() and pending(db) == 1
                time.sleep(0.05)
            # ... and taken within a few lookups after.
            wait_for(lambda: second.relay.lease.held(), 3, "the lease to pass over", interval=0.05)
            wait_for(lambda: pending(db) == 0, 10, "the record to be published")
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
