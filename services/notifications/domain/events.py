"""What happens to a clinical alert, as typed domain events: each carries the alert's state."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain import DomainEvent


@dataclass(frozen=True)
class AlertEvent(DomainEvent):
    alert_id: str
    client_id: str
    flag_id: str
    urgency: str
    status: str
    escalation_level: int
    audience: str


@dataclass(frozen=True)
class AlertRaised(AlertEvent):
    TYPE = "notifications.alert.raised"


@dataclass(frozen=True)
class AlertAcknowledged(AlertEvent):
    TYPE = "notifications.alert.acknowledged"


@dataclass(frozen=True)
class AlertEscalated(AlertEvent):
    TYPE = "notifications.alert.escalated"


@dataclass(frozen=True)
class AlertResolved(AlertEvent):
    TYPE = "notifications.alert.resolved"
