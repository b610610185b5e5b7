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


# Every service's audit trail (shared/audit.py) is also published here, unless AUDIT_TOPIC names
# another topic or is empty. Keyed by the record id: records are independent, so no order to keep.
AUDIT_PUBLISHER = "audit"
AUDIT_TOPIC = "audit.records"


def audit_topics(name: str = AUDIT_TOPIC) -> tuple[TopicSpec, ...]:
    """The audit topic and its dead letters (for whichever consumer reads it first)."""
    return (
        TopicSpec(name, partitions=3, config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)}),
        TopicSpec(dlq_topic(name), partitions=1, config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)}),
    )


def publisher_topic(publisher: str) -> str:
    """The topic a publisher's events go to, by the first segment of their type."""
    return AUDIT_TOPIC if publisher == AUDIT_PUBLISHER else events_topic(publisher)


PUBLISHERS: tuple[str, ...] = ("intake", "sessions", "outcomes", "notifications")

TOPICS: tuple[TopicSpec, ...] = (
    tuple(spec for service in PUBLISHERS for spec in (_event_topic(service), _dlq(service))) + audit_topics()
)


def declared_topics(audit_topic: str = AUDIT_TOPIC) -> tuple[TopicSpec, ...]:
    """Every topic a process may publish to, with the audit topic under the name it is set to."""
    known = {spec.name for spec in TOPICS}
    return TOPICS + tuple(spec for spec in audit_topics(audit_topic) if audit_topic and spec.name not in known)
