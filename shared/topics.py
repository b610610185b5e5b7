"""Every Kafka topic the platform uses, declared once; the admin step creates them from here."""

from __future__ import annotations

from dataclasses import dataclass, field

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def events_topic(service: str) -> str:
    """The topic a service publishes its integration events to."""
    return f"{service}.events"


def dlq_topic(topic: str) -> str:
    """Where a consumer of `topic` parks messages it can never handle."""
    return f"{topic}.dlq"


def _event_topic(service: str) -> TopicSpec:
    # Keyed by client id, so partitions bound consumer parallelism but never break per-client order.
    return TopicSpec(
        events_topic(service),
        partitions=3,
        config={
            "cleanup.policy": "delete",
            "retention.ms": str(30 * DAY_MS),
            # Replication and min.insync.replicas are the cluster's defaults (production: 3 and 2),
            # so acks=all means what the cluster's operators decided, never less.
        },
    )


def _dlq(service: str) -> TopicSpec:
    # One partition keeps parked messages in arrival order for triage; kept long enough to act on.
    return TopicSpec(
        dlq_topic(events_topic(service)),
        partitions=1,
        config={
            "cleanup.policy": "delete",
            "retention.ms": str(90 * DAY_MS),
        },
    )


PUBLISHERS: tuple[str, ...] = ("intake", "sessions", "outcomes", "notifications")

TOPICS: tuple[TopicSpec, ...] = tuple(spec for service in PUBLISHERS for spec in (_event_topic(service), _dlq(service)))
