"""What happens to a therapy session, as typed domain events (each exactly its contract's fields).

Every event carries what a reminder or a caseload view needs without asking back: the session,
its episode, client and clinician, its number, its UTC start and end, and how it is held. The
fields are spelled out in each class, in contract order, rather than inherited, so each reads
like the contract it must match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain import DomainEvent


@dataclass(frozen=True)
class SessionScheduled(DomainEvent):
    TYPE = "sessions.session.scheduled"
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str


@dataclass(frozen=True)
class SessionRescheduled(DomainEvent):
    """`start` and `end` are the new times; `previous_start` the one a reminder was set for."""

    TYPE = "sessions.session.rescheduled"
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str
    previous_start: datetime


@dataclass(frozen=True)
class SessionCancelled(DomainEvent):
    """`late_cancellation`: less than 24 hours' notice, whoever cancelled (`cancelled_by`)."""

    TYPE = "sessions.session.cancelled"
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str
    cancelled_by: str
    late_cancellation: bool


@dataclass(frozen=True)
class SessionAttended(DomainEvent):
    TYPE = "sessions.session.attended"
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str


@dataclass(frozen=True)
class SessionNoShow(DomainEvent):
    TYPE = "sessions.session.no_show"
    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str


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
