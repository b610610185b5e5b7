"""What happens to a treatment episode, as typed domain events (each its contract's fields)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain import DomainEvent


@dataclass(frozen=True)
class EpisodeOpened(DomainEvent):
    TYPE = "sessions.episode.opened"
    episode_id: str
    client_id: str
    status: str
    program: str
    opened_at: datetime


@dataclass(frozen=True)
class EpisodeActivated(DomainEvent):
    TYPE = "sessions.episode.activated"
    episode_id: str
    client_id: str
    program: str
    track: str
    activated_at: datetime


@dataclass(frozen=True)
class EpisodeAssigned(DomainEvent):
    """A clinician took the client on (or over): other services learn the caseload from it."""

    TYPE = "sessions.episode.assigned"
    episode_id: str
    client_id: str
    program: str
    clinician_id: str
    previous_clinician_id: str | None
    assigned_at: datetime
    assigned_by: str


@dataclass(frozen=True)
class EpisodePhaseChanged(DomainEvent):
    TYPE = "sessions.episode.phase_changed"
    episode_id: str
    client_id: str
    clinician_id: str | None
    phase: str
    previous_phase: str
    next_session_number: int
    changed_at: datetime


@dataclass(frozen=True)
class EpisodeClosed(DomainEvent):
    TYPE = "sessions.episode.closed"
    episode_id: str
    client_id: str
    clinician_id: str | None
    reason: str
    attended_sessions: int
    closed_at: datetime


@dataclass(frozen=True)
class AlertAcknowledgedInWorkspace(DomainEvent):
    """A clinician took a risk alert on in the workspace: notifications stops its escalation."""

    TYPE = "sessions.alert.acknowledged"
    alert_id: str
    client_id: str
    acknowledged_by: str
    acknowledged_at: datetime


@dataclass(frozen=True)
class SupervisorChanged(DomainEvent):
    """A clinician's supervisor was set or changed: other services learn each supervisor's team."""

    TYPE = "sessions.clinician.supervisor_changed"
    clinician_id: str
    supervisor_id: str | None
    previous_supervisor_id: str | None
    changed_at: datetime

    @property
    def subject(self) -> str:
        # About staff, not a client: keyed by the clinician, so one clinician's changes stay in order.
        return self.clinician_id
