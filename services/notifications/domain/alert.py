"""A clinical alert to staff about a client's suicide risk: raised, acknowledged, escalated, resolved."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
# Unacknowledged alerts climb one level (clinician → supervisor → clinical lead) each interval.
ESCALATION_INTERVALS = {"urgent": timedelta(minutes=15), "high": timedelta(hours=1)}
AUDIENCES = ("on_call_clinician", "supervisor", "clinical_lead")


@dataclass
class Alert:
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
    events: list[str] = field(default_factory=list, repr=False, compare=False, metadata={"transient": True})

    @classmethod
    def for_risk_flag(cls, client_id: str, flag_id: str, urgency: str, source: str, now: datetime) -> "Alert":
        alert = cls(id=str(uuid.uuid4()), client_id=client_id, flag_id=flag_id, urgency=urgency, source=source,
                    raised_at=now, status=OPEN, escalation_level=0, escalate_at=now + interval(urgency))
        alert.events.append("raised")
        return alert

    @property
    def audience(self) -> str:
        return AUDIENCES[min(self.escalation_level, len(AUDIENCES) - 1)]

    def acknowledge(self, by: str, now: datetime) -> None:
        if self.status == OPEN:
            self.status, self.acknowledged_by, self.acknowledged_at = ACKNOWLEDGED, by, now
            self.events.append("acknowledged")

    def resolve(self, now: datetime) -> None:
        if self.status != RESOLVED:
            self.status, self.resolved_at = RESOLVED, now
            self.events.append("resolved")

    def escalate_if_due(self, now: datetime) -> bool:
        """An alert nobody acknowledged in time goes to the next level, and keeps climbing."""
        if self.status != OPEN or now < self.escalate_at:
            return False
        self.escalation_level += 1
        self.escalate_at = now + interval(self.urgency)
        self.events.append("escalated")
        return True


def interval(urgency: str) -> timedelta:
    return ESCALATION_INTERVALS.get(urgency, ESCALATION_INTERVALS["urgent"])
