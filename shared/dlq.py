"""Dead-letter triage: list parked messages and, once the cause is fixed, replay them."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kafka import KafkaConsumer

from shared.kafka import make_producer

REPLAY_GROUP = "ipt-dlq-replay"


@dataclass(frozen=True)
class ParkedMessage:
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def original_topic(self) -> str:
        return self.headers["dlq_topic"]


def _consumer(bootstrap: str, topic: str, group: str | None) -> KafkaConsumer:
    return KafkaConsumer(topic, bootstrap_servers=bootstrap.split(","), group_id=group,
                         auto_offset_reset="earliest", enable_auto_commit=False,
                         allow_auto_create_topics=False, consumer_timeout_ms=3000)


def _parked(consumer: KafkaConsumer) -> Iterator[tuple[object, ParkedMessage]]:
    for record in consumer:
        headers = {name: value.decode(errors="replace") for name, value in record.headers or []}
        yield record, ParkedMessage(record.offset, record.key, record.value, headers)


def list_parked(bootstrap: str, dlq: str) -> list[ParkedMessage]:
    """Everything on the dead-letter topic, oldest first (metadata only is printed by the CLI)."""
    consumer = _consumer(bootstrap, dlq, group=None)
    try:
        return [message for _, message in _parked(consumer)]
    finally:
        consumer.close()


def replay(bootstrap: str, dlq: str) -> int:
    """Re-publishes parked messages to their original topics, each once (the replay group's
    committed offset remembers how far it got). Consumers that already handled an event skip it."""
    consumer = _consumer(bootstrap, dlq, group=REPLAY_GROUP)
    producer = make_producer(bootstrap, "ipt-dlq-replay")
    count = 0
    try:
        for record, message in _parked(consumer):
            headers = [(k, v.encode()) for k, v in message.headers.items() if not k.startswith("dlq_")]
            headers.append(("dlq_replayed_from", f"{dlq}@{message.offset}".encode()))
            producer.send(message.original_topic, key=message.key, value=message.value,
                          headers=headers).get(timeout=30)
            consumer.commit()
            count += 1
    finally:
        producer.close()
        consumer.close(autocommit=False)
    return count
