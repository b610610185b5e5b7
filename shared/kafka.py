"""Kafka clients with the platform's safe settings, and the admin step that creates topics."""

from __future__ import annotations

import logging
import os
from typing import Protocol

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError

from shared.topics import TOPICS, TopicSpec

log = logging.getLogger(__name__)

TRANSIENT_KAFKA_ERRORS: tuple[type[BaseException], ...] = (KafkaError,)


class SendFuture(Protocol):
    """What `KafkaProducer.send` returns, as far as the platform uses it: `get` waits for the
    broker's acknowledgement and raises if the record was not written. (types-kafka-python leaves
    `FutureRecordMetadata.get` unannotated.)"""

    def get(self, timeout: float | None = None) -> object: ...


def make_producer(bootstrap_servers: str, client_id: str) -> KafkaProducer:
    # acks=all + idempotence: a retried send is never written twice or out of order.
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers.split(","),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        compression_type=None,
        max_block_ms=5000,
        request_timeout_ms=10000,
        delivery_timeout_ms=30000,
        allow_auto_create_topics=False,
    )


def make_consumer(bootstrap_servers: str, group_id: str, topics: list[str], client_id: str) -> KafkaConsumer:
    # The three unsafe defaults are overridden: no auto-commit, read from the start, no topic creation.
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers.split(","),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        allow_auto_create_topics=False,
        max_poll_records=100,
        session_timeout_ms=10000,
        heartbeat_interval_ms=3000,
    )
    consumer.subscribe(topics)
    return consumer


def make_admin(bootstrap_servers: str, client_id: str = "ipt-admin", timeout_ms: int = 10000) -> KafkaAdminClient:
    # Without a bootstrap bound the client waits 30 s for an absent broker, whatever the request timeout.
    return KafkaAdminClient(
        bootstrap_servers=bootstrap_servers.split(","),
        client_id=client_id,
        request_timeout_ms=timeout_ms,
        bootstrap_timeout_ms=timeout_ms,
    )


def ensure_topics(
    bootstrap_servers: str, topics: tuple[TopicSpec, ...] = TOPICS, replication_factor: int | None = None
) -> list[str]:
    """Creates the declared topics that do not exist yet; returns the names it created.

    Replication comes from KAFKA_REPLICATION_FACTOR when set, else the broker's default.
    """
    if replication_factor is None:
        replication_factor = int(os.environ.get("KAFKA_REPLICATION_FACTOR", "-1"))
    admin = make_admin(bootstrap_servers)
    try:
        existing = set(admin.list_topics())
        missing = [spec for spec in topics if spec.name not in existing]
        if missing:
            admin.create_topics(
                {
                    spec.name: {
                        "num_partitions": spec.partitions,
                        "replication_factor": replication_factor,
                        "configs": dict(spec.config),
                    }
                    for spec in missing
                },
                raise_errors=False,
                wait_for_metadata=True,
            )
        absent = {spec.name for spec in topics} - set(admin.list_topics())
        if absent:
            raise RuntimeError(f"topics could not be created: {sorted(absent)}")
        return [spec.name for spec in missing]
    finally:
        admin.close()


def kafka_reachable(bootstrap_servers: str) -> None:
    """Raises unless a broker answers a metadata request."""
    # A probe must answer quickly, and must not hold a web worker during shutdown.
    admin = make_admin(bootstrap_servers, client_id="ipt-readiness", timeout_ms=3000)
    try:
        admin.describe_cluster()
    finally:
        admin.close()
