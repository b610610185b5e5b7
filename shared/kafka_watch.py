"""Consumer lag and dead-letter depth, measured from the broker's offsets.

A worker measures its own consumer group's lag on every partition it reads (the partition's end
offset less the group's committed offset) and the depth of its own topic's dead letters (parked
messages the replay tool has not replayed yet). Asked of the broker rather than of the consumer, so
a consumer that is stuck retrying, or gone, still shows its lag growing. Runs on the worker's timer
thread with clients of its own: the consumer's client is never touched from another thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import OffsetSpec
from kafka.structs import TopicPartition

from shared.dlq import REPLAY_GROUP
from shared.kafka import make_admin
from shared.metrics import CONSUMER_LAG, DEAD_LETTER_DEPTH
from shared.topics import TOPICS, dlq_topic, events_topic

PARTITIONS: Mapping[str, int] = {spec.name: spec.partitions for spec in TOPICS}


def partitions_of(topics: Iterable[str]) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic in sorted(topics) for p in range(PARTITIONS[topic])]


def lag(end: int, committed: int | None, earliest: int) -> int:
    """Messages the group has still to handle; with no commit yet it starts from the earliest."""
    start = committed if committed is not None and committed >= 0 else earliest
    return max(end - max(start, earliest), 0)


@dataclass
class KafkaWatch:
    service: str
    group: str | None  # None: the worker consumes nothing, so there is no lag to measure
    topics: list[str]  # the topics the group reads
    admin_factory: Callable[[], KafkaAdminClient]
    dlq: str = ""  # the dead-letter topic of the service's own events
    _admin: KafkaAdminClient | None = field(default=None, repr=False)

    @classmethod
    def for_worker(cls, service: str, group: str | None, topics: list[str], bootstrap: str) -> KafkaWatch:
        return cls(
            service=service,
            group=group,
            topics=topics if group else [],
            admin_factory=lambda: make_admin(bootstrap, f"{service}-metrics"),
            dlq=dlq_topic(events_topic(service)),
        )

    def declare(self) -> None:
        """Every series at 0 before the first measurement."""
        for tp in partitions_of(self.topics):
            CONSUMER_LAG.labels(self.service, self.group, tp.topic, str(tp.partition)).set(0)
        if self.dlq in PARTITIONS:
            DEAD_LETTER_DEPTH.labels(self.service, self.dlq).set(0)

    def measure(self) -> None:
        """One round; a failure drops the admin client so the next round reconnects."""
        try:
            self._measure(self._client())
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
        self._admin = None

    def _client(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = self.admin_factory()
        return self._admin

    def _measure(self, admin: KafkaAdminClient) -> None:
        consumed = partitions_of(self.topics)
        parked = partitions_of([self.dlq]) if self.dlq in PARTITIONS else []
        every = consumed + parked
        if not every:
            return
        end = _offsets(admin, every, OffsetSpec.LATEST)
        earliest = _offsets(admin, every, OffsetSpec.EARLIEST)
        if consumed and self.group:
            committed = _committed(admin, self.group, consumed)
            for tp in consumed:
                value = lag(end[tp], committed.get(tp), earliest[tp])
                CONSUMER_LAG.labels(self.service, self.group, tp.topic, str(tp.partition)).set(value)
        if parked:
            replayed = _committed(admin, REPLAY_GROUP, parked)
            depth = sum(lag(end[tp], replayed.get(tp), earliest[tp]) for tp in parked)
            DEAD_LETTER_DEPTH.labels(self.service, self.dlq).set(depth)


def _offsets(admin: KafkaAdminClient, partitions: list[TopicPartition], spec: Any) -> dict[TopicPartition, int]:
    found = admin.list_partition_offsets({tp: spec for tp in partitions})
    return {tp: int(found[tp].offset) for tp in partitions}


def _committed(admin: KafkaAdminClient, group: str, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    # kafka-python leaves this method unannotated.
    found = admin.list_group_offsets({group: partitions}).get(group) or {}  # type: ignore[no-untyped-call]
    return {tp: int(meta.offset) for tp, meta in found.items() if meta is not None}
