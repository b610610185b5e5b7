"""Consumer lag and dead-letter depth measured on the real broker, as a worker's timer does."""

from __future__ import annotations

import uuid

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import OffsetAndMetadata, TopicPartition
from prometheus_client import REGISTRY

from shared.kafka_watch import KafkaWatch
from shared.topics import dlq_topic, events_topic
from tests.support.infra import wait_for

TOPIC = events_topic("outcomes")
DLQ = dlq_topic(events_topic("notifications"))


def produce(bootstrap: str, topic: str, partition: int, count: int) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for index in range(count):
            producer.send(topic, value=f"m{index}".encode(), partition=partition).get(timeout=20)
    finally:
        producer.close()


def commit(bootstrap: str, group: str, tp: TopicPartition, offset: int) -> None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        consumer.assign([tp])
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1)})
    finally:
        consumer.close(autocommit=False)


def test_lag_follows_what_the_group_committed_and_depth_what_was_parked(infra):
    group = f"watch-{uuid.uuid4().hex[:8]}"
    service = f"watch-{uuid.uuid4().hex[:6]}"
    watch = KafkaWatch.for_worker(service, group, [TOPIC], infra.kafka_bootstrap)
    watch.dlq = DLQ
    p1 = TopicPartition(TOPIC, 1)

    def lag() -> float | None:
        labels = {"service": service, "group": group, "topic": TOPIC, "partition": "1"}
        return REGISTRY.get_sample_value("kafka_consumer_lag", labels)

    def depth() -> float | None:
        return REGISTRY.get_sample_value("dead_letter_depth", {"service": service, "topic": DLQ})

    try:
        # A fresh broker answers group look-ups only once its offsets topic exists: the worker's timer
        # simply tries again next round, and so does this.
        wait_for(lambda: watch.measure() or True, 60, "the broker to answer offset look-ups")
        start_lag, start_depth = lag(), depth()
        produce(infra.kafka_bootstrap, TOPIC, 1, 4)
        produce(infra.kafka_bootstrap, DLQ, 0, 2)
        watch.measure()
        assert lag() == start_lag + 4
        assert depth() == start_depth + 2

        end = int(start_lag) + 4  # a new group has committed nothing: its lag is all that is kept
        commit(infra.kafka_bootstrap, group, p1, end - 1)
        watch.measure()
        assert lag() == 1
    finally:
        watch.close()
