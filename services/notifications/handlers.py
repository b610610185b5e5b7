"""Use cases of the notifications service: load, call the domain, save, commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.notifications.adapters.alerts import AlertRepository
from services.notifications.adapters.recipients import RecipientRepository
from services.notifications.domain.alert import Alert
from services.notifications.domain.recipient import Recipient
from shared.envelope import Envelope
from shared.errors import NotFound, StaleWrite
from shared.retry import IMMEDIATE, on_conflict, retry
from shared.uow import UnitOfWork

ACKNOWLEDGE_ATTEMPTS = 3


def remember_recipient(event: Envelope, data: dict[str, Any], uow: UnitOfWork, recipients: RecipientRepository) -> None:
    contact = data.get("contact") or {}
    recipients.put(
        Recipient(
            client_id=data["client_id"],
            given_name=data["given_name"],
            preferred_channel=data["preferred_channel"],
            email=contact.get("email"),
            phone=contact.get("phone"),
        ),
        uow,
    )
    uow.commit()


def recipient_status(client_id: str, recipients: RecipientRepository) -> dict[str, Any]:
    recipient = recipients.get(client_id)
    if recipient is None:
        raise NotFound("recipient")
    return {"client_id": client_id, "preferred_channel": recipient.preferred_channel, "reachable": recipient.reachable}


def raise_alert_for_risk_flag(event: Envelope, data: dict[str, Any], uow: UnitOfWork, alerts: AlertRepository) -> None:
    """Every risk flag becomes a staff alert at once; the same flag never makes two, and a flag
    already cleared (its event arrived late) makes none."""
    if alerts.for_flag(data["flag_id"]) is None and not alerts.was_cleared(data["flag_id"]):
        alerts.add(
            Alert.for_risk_flag(data["client_id"], data["flag_id"], data["urgency"], data["source"], now=event.time),
            uow,
        )
    uow.commit()


def resolve_alert_for_cleared_flag(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, alerts: AlertRepository
) -> None:
    alert = alerts.for_flag(data["flag_id"])
    if alert is not None:
        alert.resolve(event.time)
        alerts.save(alert, uow)
    alerts.remember_cleared(data["flag_id"], event.time, uow)
    uow.commit()


def unresolved_alerts(alerts: AlertRepository) -> list[Alert]:
    return alerts.unresolved()


def acknowledge_alert(
    alert_id: str, by: str, now: datetime, new_uow: Callable[[], UnitOfWork], alerts: AlertRepository
) -> Alert:
    """Acknowledges, reloading when an escalation round changed the alert at the same moment."""

    def attempt() -> Alert:
        alert = alerts.get(alert_id)
        if alert is None:
            raise NotFound("alert")
        alert.acknowledge(by, now)
        uow = new_uow()
        alerts.save(alert, uow)
        uow.commit()
        return alert

    return retry(attempt, should_retry=on_conflict((StaleWrite,), ACKNOWLEDGE_ATTEMPTS), backoff=IMMEDIATE)


def escalate_due_alerts(now: datetime, new_uow: Callable[[], UnitOfWork], alerts: AlertRepository) -> int:
    """Moves every overdue, unacknowledged alert up a level; each in its own transaction."""
    escalated = 0
    for alert in alerts.due_for_escalation(now):
        if alert.escalate_if_due(now):
            uow = new_uow()
            alerts.save(alert, uow)
            try:
                uow.commit()
            except StaleWrite:
                continue  # acknowledged or resolved meanwhile; the next round sees the new state
            escalated += 1
    return escalated
