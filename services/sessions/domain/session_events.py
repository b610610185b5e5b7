"""What happens to a therapy session, as typed domain events (each exactly its contract's fields).

Every event carries what a reminder or a caseload view needs without asking back: the session,
its episode, client and clinician, its number, its UTC start and end, and how it is held. The
common fields come first, in contract order; an event adds its own after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain import DomainEvent


@dataclass(frozen=True)
class SessionEvent(DomainEvent):
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str


@dataclass(frozen=True)
class SessionScheduled(SessionEvent):
    TYPE = "sessions.session.scheduled"


@dataclass(frozen=True)
class SessionRescheduled(SessionEvent):
    """`start` and `end` are the new times; `previous_start` the one a reminder was set for."""

    TYPE = "sessions.session.rescheduled"
    previous_start: datetime


@dataclass(frozen=True)
class SessionCancelled(SessionEvent):
    """`late_cancellation`: less than 24 hours' notice, whoever cancelled (`cancelled_by`)."""

    TYPE = "sessions.session.cancelled"
    cancelled_by: str
    late_cancellation: bool


@dataclass(frozen=True)
class SessionAttended(SessionEvent):
    TYPE = "sessions.session.attended"


@dataclass(frozen=True)
class SessionNoShow(SessionEvent):
    TYPE = "sessions.session.no_show"


@dataclass(frozen=True)
class MeasureRecorded(DomainEvent):
    """A measure given in a session, scored: what outcomes tracks, and what intake needs to raise
    a risk flag (`risk_urgency`), never the answers."""

    TYPE = "sessions.measure.recorded"
    measure_id: str
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    session_number: int
    instrument: str
    version: str
    total: int | None
    severity: str | None
    positive: bool
    risk_level: str | None
    flags: tuple[str, ...]
    risk_urgency: str | None
    risk_source: str | None
    administered_at: datetime
    cutoff: int | None
