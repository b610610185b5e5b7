"""What notifications publish, as typed domain events: alerts (each carries the alert's state)
and deliveries (identifiers only: never an address or a message text)."""

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
    recipient_id: str | None = None


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


@dataclass(frozen=True)
class DeliveryEvent(DomainEvent):
    notification_id: str
    client_id: str
    type: str
    channel: str
    audience: str
    recipient_id: str | None
    alert_id: str | None
    urgency: str | None


@dataclass(frozen=True)
class NotificationSent(DeliveryEvent):
    TYPE = "notifications.sent"
    sent_at: str = ""


@dataclass(frozen=True)
class NotificationFailed(DeliveryEvent):
    TYPE = "notifications.failed"
    reason: str = ""
    failed_at: str = ""
