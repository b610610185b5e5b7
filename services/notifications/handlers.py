"""Use cases of the notifications service."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.notifications.adapters.alerts import AlertRepository
from services.notifications.adapters.recipients import RecipientRepository
from services.notifications.domain.alert import Alert
from services.notifications.domain.recipient import Recipient
from shared.documents import StaleWrite
from shared.envelope import Envelope
from shared.uow import UnitOfWork


class UnknownRecipient(LookupError):
    pass


class UnknownAlert(LookupError):
    pass


def remember_recipient(event: Envelope, data: dict[str, Any], uow: UnitOfWork,
                       recipients: RecipientRepository) -> None:
    contact = data.get("contact") or {}
    recipients.save(Recipient(client_id=data["client_id"], given_name=data["given_name"],
                              preferred_channel=data["preferred_channel"],
                              email=contact.get("email"), phone=contact.get("phone")), uow)
    uow.commit()


def recipient_status(client_id: str, recipients: RecipientRepository) -> dict[str, Any]:
    recipient = recipients.get(client_id)
    if recipient is None:
        raise UnknownRecipient(client_id)
    return {"client_id": client_id, "preferred_channel": recipient.preferred_channel,
            "reachable": recipient.reachable}


def _alert_data(alert: Alert) -> dict[str, Any]:
    return {"alert_id": alert.id, "client_id": alert.client_id, "flag_id": alert.flag_id,
            "urgency": alert.urgency, "status": alert.status, "escalation_level": alert.escalation_level,
            "audience": alert.audience}


def _publish(alert: Alert, uow: UnitOfWork) -> None:
    for name in alert.events:
        uow.publish(f"notifications.alert.{name}", 1, subject=alert.client_id, data=_alert_data(alert))
    alert.events.clear()


def raise_alert_for_risk_flag(event: Envelope, data: dict[str, Any], uow: UnitOfWork,
                              alerts: AlertRepository) -> None:
    """Every risk flag becomes a staff alert at once; the same flag never makes two, and a flag
    already cleared (its event arrived late) makes none."""
    if alerts.for_flag(data["flag_id"]) is None and not alerts.was_cleared(data["flag_id"]):
        alert = Alert.for_risk_flag(data["client_id"], data["flag_id"], data["urgency"], data["source"],
                                    now=event.time)
        alerts.add(alert, uow)
        _publish(alert, uow)
    uow.commit()


def resolve_alert_for_cleared_flag(event: Envelope, data: dict[str, Any], uow: UnitOfWork,
                                   alerts: AlertRepository) -> None:
    alert = alerts.for_flag(data["flag_id"])
    if alert is not None:
        alert.resolve(event.time)
        alerts.save(alert, uow)
        _publish(alert, uow)
    alerts.remember_cleared(data["flag_id"], event.time, uow)
    uow.commit()


def acknowledge_alert(alert_id: str, by: str, now: datetime, new_uow: Callable[[], UnitOfWork],
                      alerts: AlertRepository, attempts: int = 3) -> Alert:
    """Acknowledges, reloading when an escalation round changed the alert at the same moment."""
    for attempt in range(1, attempts + 1):
        alert = alerts.get(alert_id)
        if alert is None:
            raise UnknownAlert(alert_id)
        alert.acknowledge(by, now)
        uow = new_uow()
        alerts.save(alert, uow)
        _publish(alert, uow)
        try:
            uow.commit()
            return alert
        except StaleWrite:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def escalate_due_alerts(now: datetime, new_uow: Callable[[], UnitOfWork], alerts: AlertRepository) -> int:
    """Moves every overdue, unacknowledged alert up a level; each in its own transaction."""
    escalated = 0
    for alert in alerts.due_for_escalation(now):
        if alert.escalate_if_due(now):
            uow = new_uow()
            alerts.save(alert, uow)
            _publish(alert, uow)
            try:
                uow.commit()
            except StaleWrite:
                continue  # acknowledged or resolved meanwhile; the next round sees the new state
            escalated += 1
    return escalated
