"""A consumer whose group join outlives its polls still joins and reads (kafka-python 3.0 left
such a join unfinished for ever under load: see shared/kafka_join_fix.py)."""

from __future__ import annotations

import time
import uuid

from shared.kafka import make_consumer
from tests.support.kafka_tools import private_topic, send_raw

TRIALS = 5  # without the fix most trials stall, so five catch it every time


def first_records(bootstrap: str, topic: str, seconds: float) -> list:
    consumer = make_consumer(bootstrap, f"join-{uuid.uuid4().hex[:8]}", [topic], "join-test")
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            # Polls far shorter than a JoinGroup/SyncGroup round trip, as on a loaded machine.
            records = [r for batch in consumer.poll(timeout_ms=5).values() for r in batch]
            if records:
                return records
        return []
    finally:
        consumer.close(autocommit=False)


def test_a_join_longer_than_a_poll_is_finished_by_the_next_polls(infra):
    stalled = []
    for trial in range(TRIALS):
        topic = private_topic(infra.kafka_bootstrap)
        send_raw(infra.kafka_bootstrap, topic, b"first", key=b"k")
        if [r.value for r in first_records(infra.kafka_bootstrap, topic, 20)] != [b"first"]:
            stalled.append(trial)
    assert stalled == [], f"consumers that never read their record: trials {stalled}"
