"""A clinical alert to staff about a client's suicide risk: raised, acknowledged, escalated, resolved.

It goes first to the client's clinician (or, when nobody treats the client, the on-call clinician)
and climbs a level each interval nobody acknowledges it; each step names the person it now reaches.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
ESCALATION_INTERVALS: Mapping[str, timedelta] = {URGENT: timedelta(minutes=15), HIGH: timedelta(hours=1)}
CLINICIAN_AUDIENCE, ON_CALL_AUDIENCE = "clinician", "on_call_clinician"


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
    recipient_id: str | None = None  # the person the alert reaches now
    notified: list[str] = field(default_factory=list)  # everyone it has reached, in order
    clinician_id: str | None = None  # the client's clinician when it was raised (None: on call)
    version: int = 0

    @classmethod
    def for_risk_flag(
        cls,
        client_id: str,
        flag_id: str,
        urgency: str,
        source: str,
        now: datetime,
        recipient_id: str | None = None,
        clinician_id: str | None = None,
        intervals: Mapping[str, timedelta] = ESCALATION_INTERVALS,
    ) -> Alert:
        alert = cls(
            id=str(uuid.uuid4()),
            client_id=client_id,
            flag_id=flag_id,
            urgency=urgency,
            source=source,
            raised_at=now,
            status=OPEN,
            escalation_level=0,
            escalate_at=now + interval(urgency, intervals),
            recipient_id=recipient_id,
            notified=[recipient_id] if recipient_id else [],
            clinician_id=clinician_id,
        )
        alert._raise(AlertRaised)
        return alert

    @property
    def audience(self) -> str:
        if self.escalation_level == 0:
            return CLINICIAN_AUDIENCE if self.clinician_id else ON_CALL_AUDIENCE
        levels = ALERT_AUDIENCES[ALERT_AUDIENCES.index(ON_CALL_AUDIENCE) :]
        return levels[min(self.escalation_level, len(levels) - 1)]

    def seen_by(self, staff_id: str) -> bool:
        """Whether the alert has reached this person (they may read and acknowledge it)."""
        return staff_id in self.notified or staff_id == self.clinician_id

    def acknowledge(self, by: str, now: datetime) -> None:
        if self.status == OPEN:
            self.status, self.acknowledged_by, self.acknowledged_at = ACKNOWLEDGED, by, now
            self._raise(AlertAcknowledged)

    def resolve(self, now: datetime) -> None:
        if self.status != RESOLVED:
            self.status, self.resolved_at = RESOLVED, now
            self._raise(AlertResolved)

    def escalate_if_due(
        self,
        now: datetime,
        recipient_at: Callable[[int], str | None] | None = None,
        intervals: Mapping[str, timedelta] = ESCALATION_INTERVALS,
    ) -> bool:
        """An alert nobody acknowledged in time goes to the next level, and keeps climbing;
        `recipient_at(level)` names who it reaches there."""
        if self.status != OPEN or now < self.escalate_at:
            return False
        self.escalation_level += 1
        self.escalate_at = now + interval(self.urgency, intervals)
        if recipient_at is not None:
            self.recipient_id = recipient_at(self.escalation_level)
            if self.recipient_id and self.recipient_id not in self.notified:
                self.notified.append(self.recipient_id)
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
                recipient_id=self.recipient_id,
            )
        )


def interval(urgency: str, intervals: Mapping[str, timedelta] = ESCALATION_INTERVALS) -> timedelta:
    return intervals.get(urgency, intervals[URGENT])
