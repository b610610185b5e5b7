"""Dead-letter triage: list parked messages and, once the cause is fixed, replay them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kafka import KafkaConsumer
from kafka.structs import OffsetAndMetadata, TopicPartition

from shared.consumer import REPLAY_HEADER
from shared.invariants import known
from shared.kafka import SendFuture, make_producer

REPLAY_GROUP = "ipt-dlq-replay"


@dataclass(frozen=True)
class ParkedMessage:
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def original_topic(self) -> str:
        return self.headers["dlq_topic"]


def _parked(bootstrap: str, dlq: str, group: str | None) -> Iterator[tuple[KafkaConsumer, ParkedMessage]]:
    """Everything from the group's committed position (or the start) to the end as it is now.

    Partitions are assigned, not subscribed, so no group join can time out and silently read
    nothing; the loop ends at the end offsets taken at the start.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap.split(","),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        allow_auto_create_topics=False,
    )
    try:
        partitions = [TopicPartition(dlq, p) for p in sorted(consumer.partitions_for_topic(dlq) or [])]
        consumer.assign(partitions)
        end = consumer.end_offsets(partitions)

        def behind(tp: TopicPartition) -> bool:
            # With no timeout it waits until the offset is known.
            position = known(consumer.position(tp), "the partition's position")
            return position < end[tp]

        while any(behind(tp) for tp in partitions):
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    if record.offset >= end[TopicPartition(record.topic, record.partition)]:
                        continue
                    headers = {name: value.decode(errors="replace") for name, value in record.headers or []}
                    yield consumer, ParkedMessage(record.partition, record.offset, record.key, record.value, headers)
    finally:
        consumer.close(autocommit=False)


def list_parked(bootstrap: str, dlq: str) -> list[ParkedMessage]:
    """Everything on the dead-letter topic, oldest first (the CLI prints metadata only)."""
    return [message for _, message in _parked(bootstrap, dlq, group=None)]


def replay(bootstrap: str, dlq: str) -> int:
    """Re-publishes each parked message once to its original topic, addressed to the group that
    parked it (other groups handled it already and skip it). Returns how many were replayed."""
    producer = make_producer(bootstrap, "ipt-dlq-replay")
    count = 0
    try:
        for consumer, message in _parked(bootstrap, dlq, group=REPLAY_GROUP):
            headers = [(k, v.encode()) for k, v in message.headers.items() if not k.startswith("dlq_")]
            headers += [
                (REPLAY_HEADER, message.headers.get("dlq_group", "").encode()),
                ("dlq_replayed_from", f"{dlq}@{message.partition}:{message.offset}".encode()),
            ]
            sent: SendFuture = producer.send(
                message.original_topic, key=message.key, value=message.value, headers=headers
            )
            sent.get(timeout=30)
            consumer.commit({TopicPartition(dlq, message.partition): OffsetAndMetadata(message.offset + 1, "", -1)})
            count += 1
    finally:
        producer.close()
    return count
