"""A treatment episode: one client's IPT course, from referral to completion."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

PENDING, ACTIVE = "pending", "active"


@dataclass(frozen=True)
class Admission:
    """What intake agreed at admission: the track, the focus and when the client can come."""

    track: str
    primary_problem_area: dict
    secondary_problem_area: dict | None
    preferred_days: tuple[str, ...]
    preferred_times: tuple[str, ...]
    clinician_preference: str | None
    admitted_at: datetime


@dataclass
class Episode:
    id: str
    client_id: str
    program: str
    status: str
    opened_at: datetime
    version: int = 0
    admission: Admission | None = None
    events: list[str] = field(default_factory=list, repr=False, compare=False, metadata={"transient": True})

    @classmethod
    def open_pending(cls, client_id: str, program: str, now: datetime) -> "Episode":
        """A registered client waits in a pending episode until intake admits them to a track."""
        return cls(id=str(uuid.uuid4()), client_id=client_id, program=program, status=PENDING, opened_at=now)

    def admit(self, admission: Admission) -> None:
        """Admission makes the episode active; a repeated admission updates the agreed details."""
        self.admission = admission
        self.status = ACTIVE
        self.events.append("activated")
