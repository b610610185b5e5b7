"""A risk alert as the clinician workspace shows it: what notifications raised, to whom it has
reached, and whether someone took it on. Notifications owns the alert and its escalation; the
workspace only shows it and passes on an acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.sessions.domain.events import AlertAcknowledgedInWorkspace
from shared.domain import Aggregate

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
STATUS_ORDER = (OPEN, ACKNOWLEDGED, RESOLVED)


@dataclass
class StaffAlert(Aggregate):
    """One per alert; updated from notifications' alert events (the newest word wins)."""

    alert_id: str
    client_id: str
    urgency: str
    status: str
    escalation_level: int
    raised_at: datetime
    updated_at: datetime
    recipients: list[str] = field(default_factory=list)  # everyone it has reached, first first
    acknowledgement_sent_by: str | None = None  # taken on here, not yet confirmed by notifications
    version: int = 0

    @property
    def current_recipient(self) -> str | None:
        return self.recipients[-1] if self.recipients else None

    def reached(self, staff_id: str) -> bool:
        return staff_id in self.recipients

    def heard(self, status: str, escalation_level: int, recipient: str | None, at: datetime) -> None:
        """An alert event from notifications. An alert only moves forward (open → acknowledged →
        resolved, escalation levels up), so the furthest word wins whatever order, or time stamp,
        the events carry: an escalation stamped after an acknowledgement cannot reopen it."""
        if recipient and recipient not in self.recipients:
            self.recipients.append(recipient)
        if STATUS_ORDER.index(status) > STATUS_ORDER.index(self.status):
            self.status = status
        self.escalation_level = max(self.escalation_level, escalation_level)
        self.updated_at = max(self.updated_at, at)

    def acknowledge(self, by: str, now: datetime) -> bool:
        """Taken on in the workspace: passed to notifications once; False when there is nothing to do."""
        if self.status != OPEN or self.acknowledgement_sent_by is not None:
            return False
        self.acknowledgement_sent_by = by
        self.raise_event(
            AlertAcknowledgedInWorkspace(
                alert_id=self.alert_id, client_id=self.client_id, acknowledged_by=by, acknowledged_at=now
            )
        )
        return True
