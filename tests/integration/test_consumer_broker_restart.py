"""A consumer handles events again soon after its broker comes back (a private broker, killed
and restarted, so the session's broker and the other tests are left alone)."""

from __future__ import annotations

import signal
import threading
import time
import uuid

import pytest

from shared.consumer import ConsumerRunner, RetryPolicy, ensure_processed_indexes
from shared.envelope import Envelope
from shared.kafka import kafka_reachable, make_consumer, make_producer
from tests.support.events import registered_event
from tests.support.infra import free_port, kafka_process, wait_for
from tests.support.kafka_tools import private_topic, send_events

EVENT = "intake.client.registered"
OUTAGE_SECONDS = 12  # long enough for the client's default backoff to have grown past 5 s
RESUME_BOUND_SECONDS = 15  # generous: the chaos report measures the precise figure


@pytest.fixture
def private_broker(tmp_path):
    port = free_port()
    broker = kafka_process(tmp_path / "kafka", port, free_port())
    broker.start()
    try:
        bootstrap = f"127.0.0.1:{port}"
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "the private broker to answer")
        yield broker, bootstrap
    finally:
        broker.stop(signal.SIGKILL)


def test_a_consumer_resumes_soon_after_the_broker_is_back(private_broker, db, record_property):
    broker, bootstrap = private_broker
    topic = private_topic(bootstrap)
    ensure_processed_indexes(db)

    def record_effect(event: Envelope, data: dict, uow) -> None:
        uow.stage(lambda s: db.effects.insert_one({"event_id": event.id}, session=s))

    group = f"restart-{uuid.uuid4().hex[:8]}"
    runner = ConsumerRunner(
        service="test",
        group=group,
        db=db,
        consumer=make_consumer(bootstrap, group, [topic], group),
        producer_factory=lambda: make_producer(bootstrap, "dlq"),
        handlers={EVENT: record_effect},
        retry=RetryPolicy(initial_backoff=0.05),
    )
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop, 200), daemon=True)
    thread.start()
    try:
        before = registered_event()
        send_events(bootstrap, topic, [before])
        wait_for(lambda: db.effects.find_one({"event_id": before.id}), 60, "the event before the outage")

        broker.stop(signal.SIGKILL)
        time.sleep(OUTAGE_SECONDS)
        broker.start()  # returns once the port accepts connections
        back = time.monotonic()
        after = registered_event()
        send_events(bootstrap, topic, [after])
        wait_for(lambda: db.effects.find_one({"event_id": after.id}), 60, "the event after the outage", 0.05)
        resumed = time.monotonic() - back
    finally:
        stop.set()
        thread.join(30)
    record_property("resume_seconds", round(resumed, 2))
    print(f"consumer handled events again {resumed:.2f} s after the broker's port was back")
    assert resumed <= RESUME_BOUND_SECONDS
    assert not thread.is_alive()
