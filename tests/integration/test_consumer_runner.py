"""The consumer runner on the real broker and database: once-only effects, DLQ, retries."""

from __future__ import annotations

import threading
import uuid

import pytest
from pymongo.errors import AutoReconnect

from shared.consumer import ConsumerRunner, RetryPolicy, ensure_processed_indexes
from shared.envelope import Envelope
from shared.kafka import make_consumer, make_producer
from shared.topics import dlq_topic
from tests.support.events import registered_event
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all, send_raw

EVENT = "intake.client.registered"


def record_effect(db):
    """A handler whose every run leaves a visible effect, so a second run would show."""

    def handle(event: Envelope, data: dict, uow) -> None:
        uow.stage(lambda s: db.effects.insert_one({"event_id": event.id, "client_id": data["client_id"]}, session=s))
        uow.commit()

    return handle


@pytest.fixture
def run_consumer(infra, db, private_topic_name):
    """Starts a runner on this test's topic in a thread; stops it at the end of the test."""
    ensure_processed_indexes(db)
    started: list[tuple[threading.Thread, threading.Event]] = []

    def start(handler, batch_size: int = 100) -> None:
        group = f"test-{uuid.uuid4().hex[:8]}"
        consumer = make_consumer(infra.kafka_bootstrap, group, [private_topic_name], group)
        runner = ConsumerRunner(
            service="test",
            group=group,
            db=db,
            consumer=consumer,
            producer_factory=lambda: make_producer(infra.kafka_bootstrap, "dlq"),
            handlers={EVENT: handler},
            retry=RetryPolicy(handler_attempts=3, initial_backoff=0.05),
            batch_size=batch_size,
        )
        stop = threading.Event()
        thread = threading.Thread(target=runner.run, args=(stop, 200), daemon=True)
        thread.start()
        started.append((thread, stop))

    yield start
    for thread, stop in started:
        stop.set()
        thread.join(30)
        assert not thread.is_alive(), "the runner did not stop when asked"


def send(infra, topic: str, event: Envelope) -> None:
    send_raw(infra.kafka_bootstrap, topic, event.to_bytes(), key=event.subject.encode(), headers=event.kafka_headers())


def effects_of(db, event: Envelope) -> int:
    return db.effects.count_documents({"event_id": event.id})


def test_duplicate_delivery_has_one_effect(infra, db, private_topic_name, run_consumer):
    event, sentinel = registered_event(), registered_event()
    for message in (event, event, sentinel):
        send(infra, private_topic_name, message)
    run_consumer(record_effect(db))
    wait_for(lambda: effects_of(db, sentinel) == 1, 30, "the sentinel event to be handled")
    assert effects_of(db, event) == 1


def test_poison_messages_go_to_the_dlq_and_the_consumer_keeps_going(infra, db, private_topic_name, run_consumer):
    unknown_version = Envelope(type=EVENT, version=99, source="intake", subject="c", data={})
    bad_schema = registered_event().with_data({"client_id": "c-missing-everything"})
    good = registered_event()
    send_raw(infra.kafka_bootstrap, private_topic_name, b"{not json")
    for message in (unknown_version, bad_schema, good):
        send(infra, private_topic_name, message)
    run_consumer(record_effect(db))
    wait_for(lambda: effects_of(db, good) == 1, 30, "the good event after the poison ones")
    parked = read_all(infra.kafka_bootstrap, dlq_topic(private_topic_name), 3)
    assert len(parked) == 3
    errors = [dict(r.headers)["dlq_error"] for r in parked]
    assert errors == [b"PoisonMessage"] * 3
    assert {dict(r.headers)["dlq_topic"] for r in parked} == {private_topic_name.encode()}
    assert parked[0].value == b"{not json"  # the original bytes, untouched, for triage


def test_transient_errors_are_retried_without_dead_lettering(infra, db, private_topic_name, run_consumer):
    calls = {"n": 0}
    effect = record_effect(db)

    def flaky(event, data, uow):
        calls["n"] += 1
        if calls["n"] <= 4:  # more failures than handler_attempts: transient errors never park
            raise AutoReconnect("database stepped down")
        effect(event, data, uow)

    event = registered_event()
    send(infra, private_topic_name, event)
    run_consumer(flaky)
    wait_for(lambda: effects_of(db, event) == 1, 30, "the event after transient failures")
    assert calls["n"] == 5
    assert read_all(infra.kafka_bootstrap, dlq_topic(private_topic_name), 1, timeout=2) == []


def test_a_handler_that_keeps_failing_is_parked_after_its_attempts(infra, db, private_topic_name, run_consumer):
    broken, later = registered_event(), registered_event()
    calls: dict[str, int] = {}
    effect = record_effect(db)

    def buggy_for_one(event, data, uow):
        calls[event.id] = calls.get(event.id, 0) + 1
        if event.id == broken.id:
            raise ValueError("handler bug")
        effect(event, data, uow)

    send(infra, private_topic_name, broken)
    send(infra, private_topic_name, later)
    # One event at a time, so the count is the one-by-one path's alone (a batch tries once more).
    run_consumer(buggy_for_one, batch_size=1)
    wait_for(lambda: effects_of(db, later) == 1, 30, "the event after the broken one")
    assert calls[broken.id] == 3
    parked = read_all(infra.kafka_bootstrap, dlq_topic(private_topic_name), 1)
    assert [dict(r.headers)["dlq_error"] for r in parked] == [b"ValueError"]
    assert effects_of(db, broken) == 0


def test_parked_messages_can_be_replayed_once_the_cause_is_fixed(infra, db, private_topic_name, run_consumer):
    from shared import dlq

    broken = registered_event()
    fixed = {"value": False}
    effect = record_effect(db)

    def fails_until_fixed(event, data, uow):
        if not fixed["value"]:
            raise ValueError("handler bug")
        effect(event, data, uow)

    send(infra, private_topic_name, broken)
    run_consumer(fails_until_fixed)
    parked_topic = dlq_topic(private_topic_name)
    # Generous: a fresh consumer group joins, retries and parks; on a loaded 2-core machine that
    # has taken over 30 s. Polling, so a quick run is not slowed.
    wait_for(lambda: dlq.list_parked(infra.kafka_bootstrap, parked_topic), 90, "the message to be parked")
    fixed["value"] = True
    assert dlq.replay(infra.kafka_bootstrap, parked_topic) == 1
    wait_for(lambda: effects_of(db, broken) == 1, 90, "the replayed event to be handled")
    assert dlq.replay(infra.kafka_bootstrap, parked_topic) == 0  # each parked message replays once


def test_a_replayed_message_is_only_for_the_group_that_parked_it(infra, db, private_topic_name, run_consumer):
    from shared.consumer import REPLAY_HEADER

    event = registered_event()
    send_raw(
        infra.kafka_bootstrap,
        private_topic_name,
        event.to_bytes(),
        key=event.subject.encode(),
        headers=event.kafka_headers() + [(REPLAY_HEADER, b"some-other-group")],
    )
    sentinel = registered_event()
    send(infra, private_topic_name, sentinel)
    run_consumer(record_effect(db))
    wait_for(lambda: effects_of(db, sentinel) == 1, 30, "the sentinel event")
    assert effects_of(db, event) == 0


def _delay_totals() -> tuple[float, float]:
    """(count, sum) of event_end_to_end_seconds for this file's runners, every group together."""
    from prometheus_client import REGISTRY

    count = total = 0.0
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.labels.get("service") == "test" and sample.labels.get("type") == EVENT:
                if sample.name == "event_end_to_end_seconds_count":
                    count += sample.value
                elif sample.name == "event_end_to_end_seconds_sum":
                    total += sample.value
    return count, total


def test_the_delay_from_event_time_to_handling_is_observed(infra, db, private_topic_name, run_consumer):
    from dataclasses import replace
    from datetime import timedelta

    from shared.envelope import utcnow

    count_before, sum_before = _delay_totals()
    late = replace(registered_event(), time=utcnow() - timedelta(seconds=30))
    send(infra, private_topic_name, late)
    run_consumer(record_effect(db))
    wait_for(lambda: effects_of(db, late) == 1, 30, "the late event to be handled")
    count, total = _delay_totals()
    assert count == count_before + 1
    assert 30 <= total - sum_before < 60
