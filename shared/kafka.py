"""Kafka clients with the platform's safe settings, and the admin step that creates topics."""

from __future__ import annotations

import logging
import os
from typing import Protocol, TypedDict

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError

from shared.kafka_join_fix import finish_interrupted_joins
from shared.topics import TOPICS, TopicSpec

log = logging.getLogger(__name__)

finish_interrupted_joins()  # before any consumer joins a group: see shared/kafka_join_fix.py

TRANSIENT_KAFKA_ERRORS: tuple[type[BaseException], ...] = (KafkaError,)

# Events a consumer polls and handles in one database transaction (CONSUMER_BATCH_SIZE).
DEFAULT_BATCH_SIZE = 100


def consumer_batch_size() -> int:
    return max(1, int(os.environ.get("CONSUMER_BATCH_SIZE", str(DEFAULT_BATCH_SIZE))))


class SendFuture(Protocol):
    """What `KafkaProducer.send` returns, as far as the platform uses it: `get` waits for the
    broker's acknowledgement and raises if the record was not written. (types-kafka-python leaves
    `FutureRecordMetadata.get` unannotated.)"""

    def get(self, timeout: float | None = None) -> object: ...


# Reconnect quickly once the broker is back: the client's default backoff doubles up to 30 s,
# so after an outage of a minute a client sat out up to 30 s more with the broker answering.
# Retrying a local or in-cluster broker once a second costs nothing.
class _Reconnect(TypedDict):
    reconnect_backoff_ms: int
    reconnect_backoff_max_ms: int
    retry_backoff_ms: int


# Every client of the platform (producer, consumer, admin) is made with these.
QUICK_RECONNECT = _Reconnect(reconnect_backoff_ms=100, reconnect_backoff_max_ms=1000, retry_backoff_ms=200)


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
        **QUICK_RECONNECT,
    )


def make_consumer(
    bootstrap_servers: str,
    group_id: str,
    topics: list[str],
    client_id: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> KafkaConsumer:
    # The three unsafe defaults are overridden: no auto-commit, read from the start, no topic creation.
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers.split(","),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        allow_auto_create_topics=False,
        max_poll_records=batch_size,
        # A dead member's partitions move on after 10 s; a live one heartbeats every 3 s.
        session_timeout_ms=10000,
        heartbeat_interval_ms=3000,
        # A member stuck longer than this (a batch never takes near it) leaves the group.
        max_poll_interval_ms=60000,
        # A request to a broker that vanished is given up quickly and sent again elsewhere.
        request_timeout_ms=10000,
        metadata_max_age_ms=60000,
        **QUICK_RECONNECT,
    )
    # No rebalance listener is needed: a batch's offsets are committed as soon as its transaction
    # is, before the next poll, and partitions are only revoked inside poll; a batch whose commit
    # loses to a rebalance is redelivered, and its processed markers make that change nothing.
    consumer.subscribe(topics)
    return consumer


def make_admin(bootstrap_servers: str, client_id: str = "ipt-admin", timeout_ms: int = 10000) -> KafkaAdminClient:
    # Without a bootstrap bound the client waits 30 s for an absent broker, whatever the request timeout.
    return KafkaAdminClient(
        bootstrap_servers=bootstrap_servers.split(","),
        client_id=client_id,
        request_timeout_ms=timeout_ms,
        **QUICK_RECONNECT,
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
