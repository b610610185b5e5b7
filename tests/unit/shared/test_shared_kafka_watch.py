"""Consumer lag and dead-letter depth from the broker's offsets (a stand-in admin client here;
tests/integration/test_kafka_watch_broker.py measures a real broker)."""

from __future__ import annotations

import uuid

import pytest
from kafka.admin import OffsetSpec
from kafka.structs import OffsetAndMetadata, OffsetAndTimestamp, TopicPartition
from prometheus_client import REGISTRY

from shared.dlq import REPLAY_GROUP
from shared.kafka_watch import KafkaWatch, lag


class FakeAdmin:
    """Answers offset look-ups from tables: end and earliest per partition, commits per group."""

    def __init__(self, end: dict, earliest: dict, commits: dict) -> None:
        self.end, self.earliest, self.commits = end, earliest, commits
        self.closed = False
        self.fail = False

    def list_partition_offsets(self, specs: dict) -> dict:
        if self.fail:
            raise ConnectionError("broker away")
        table = {OffsetSpec.LATEST: self.end, OffsetSpec.EARLIEST: self.earliest}
        return {tp: OffsetAndTimestamp(table[spec].get(tp, 0), -1, None) for tp, spec in specs.items()}

    def list_group_offsets(self, specs: dict) -> dict:
        [(group, partitions)] = specs.items()
        known = self.commits.get(group, {})
        return {group: {tp: OffsetAndMetadata(known[tp], "", -1) for tp in partitions if tp in known}}

    def close(self) -> None:
        self.closed = True


def tp(topic: str, partition: int) -> TopicPartition:
    return TopicPartition(topic, partition)


@pytest.fixture
def service() -> str:
    return f"watch-{uuid.uuid4().hex[:8]}"


def lag_of(service: str, group: str, topic: str, partition: int) -> float | None:
    labels = {"service": service, "group": group, "topic": topic, "partition": str(partition)}
    return REGISTRY.get_sample_value("kafka_consumer_lag", labels)


def depth_of(service: str, topic: str) -> float | None:
    return REGISTRY.get_sample_value("dead_letter_depth", {"service": service, "topic": topic})


def test_lag_is_what_the_group_has_not_committed():
    assert lag(end=10, committed=7, earliest=0) == 3
    assert lag(end=10, committed=None, earliest=4) == 6  # no commit yet: from the earliest kept
    assert lag(end=10, committed=-1, earliest=0) == 10  # the broker's "no offset"
    assert lag(end=10, committed=2, earliest=5) == 5  # committed before what retention kept
    assert lag(end=10, committed=10, earliest=0) == 0


def make_watch(service: str, admin: FakeAdmin, group: str | None = "sessions") -> KafkaWatch:
    return KafkaWatch(
        service=service,
        group=group,
        topics=["intake.events"] if group else [],
        admin_factory=lambda: admin,
        dlq="sessions.events.dlq",
    )


def test_every_partition_and_the_dead_letters_start_at_zero(service):
    make_watch(service, FakeAdmin({}, {}, {})).declare()
    for partition in range(3):
        assert lag_of(service, "sessions", "intake.events", partition) == 0
    assert lag_of(service, "sessions", "intake.events", 3) is None
    assert depth_of(service, "sessions.events.dlq") == 0


def test_lag_per_partition_and_depth_of_what_was_not_replayed(service):
    dlq = tp("sessions.events.dlq", 0)
    admin = FakeAdmin(
        end={tp("intake.events", 0): 12, tp("intake.events", 1): 5, tp("intake.events", 2): 0, dlq: 9},
        earliest={dlq: 2},
        commits={"sessions": {tp("intake.events", 0): 10, tp("intake.events", 1): 5}, REPLAY_GROUP: {dlq: 6}},
    )
    make_watch(service, admin).measure()

    assert lag_of(service, "sessions", "intake.events", 0) == 2
    assert lag_of(service, "sessions", "intake.events", 1) == 0
    assert lag_of(service, "sessions", "intake.events", 2) == 0
    assert depth_of(service, "sessions.events.dlq") == 3


def test_nothing_replayed_yet_counts_everything_kept(service):
    dlq = tp("sessions.events.dlq", 0)
    make_watch(service, FakeAdmin({dlq: 4}, {dlq: 1}, {}), group=None).measure()
    assert depth_of(service, "sessions.events.dlq") == 3


def test_a_failed_round_drops_the_client_and_the_next_reconnects(service):
    admins = [FakeAdmin({}, {}, {}), FakeAdmin({tp("sessions.events.dlq", 0): 1}, {}, {})]
    admins[0].fail = True
    made = iter(admins)
    watch = KafkaWatch(service, None, [], admin_factory=lambda: next(made), dlq="sessions.events.dlq")
    with pytest.raises(ConnectionError):
        watch.measure()
    assert admins[0].closed
    watch.measure()
    assert depth_of(service, "sessions.events.dlq") == 1
