"""A clinical alert to staff about a client's suicide risk: raised, acknowledged, escalated, resolved."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notifications.domain.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertEvent,
    AlertRaised,
    AlertResolved,
)
from shared.domain import Aggregate
from shared.vocabulary import ALERT_AUDIENCES, HIGH, URGENT

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
# Unacknowledged alerts climb one level (clinician → supervisor → clinical lead) each interval.
ESCALATION_INTERVALS = {URGENT: timedelta(minutes=15), HIGH: timedelta(hours=1)}


@dataclass
class Alert(Aggregate):
    id: str
    client_id: str
    flag_id: str
    urgency: str
    source: str
    raised_at: datetime
    status: str
    escalation_level: int
    escalate_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    version: int = 0

    @classmethod
    def for_risk_flag(cls, client_id: str, flag_id: str, urgency: str, source: str, now: datetime) -> Alert:
        alert = cls(
            id=str(uuid.uuid4()),
            client_id=client_id,
            flag_id=flag_id,
            urgency=urgency,
            source=source,
            raised_at=now,
            status=OPEN,
            escalation_level=0,
            escalate_at=now + interval(urgency),
        )
        alert._raise(AlertRaised)
        return alert

    @property
    def audience(self) -> str:
        return ALERT_AUDIENCES[min(self.escalation_level, len(ALERT_AUDIENCES) - 1)]

    def acknowledge(self, by: str, now: datetime) -> None:
        if self.status == OPEN:
            self.status, self.acknowledged_by, self.acknowledged_at = ACKNOWLEDGED, by, now
            self._raise(AlertAcknowledged)

    def resolve(self, now: datetime) -> None:
        if self.status != RESOLVED:
            self.status, self.resolved_at = RESOLVED, now
            self._raise(AlertResolved)

    def escalate_if_due(self, now: datetime) -> bool:
        """An alert nobody acknowledged in time goes to the next level, and keeps climbing."""
        if self.status != OPEN or now < self.escalate_at:
            return False
        self.escalation_level += 1
        self.escalate_at = now + interval(self.urgency)
        self._raise(AlertEscalated)
        return True

    def _raise(self, kind: type[AlertEvent]) -> None:
        """Every alert event carries the state the alert reached."""
        self.raise_event(
            kind(
                alert_id=self.id,
                client_id=self.client_id,
                flag_id=self.flag_id,
                urgency=self.urgency,
                status=self.status,
                escalation_level=self.escalation_level,
                audience=self.audience,
            )
        )


def interval(urgency: str) -> timedelta:
    return ESCALATION_INTERVALS.get(urgency, ESCALATION_INTERVALS[URGENT])
