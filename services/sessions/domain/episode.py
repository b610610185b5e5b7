"""A treatment episode: one client's IPT course, from referral to completion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.sessions.domain.events import (
    EpisodeActivated,
    EpisodeAssigned,
    EpisodeClosed,
    EpisodeOpened,
    EpisodePhaseChanged,
)
from services.sessions.domain.phases import DEFAULT_PLANNED_SESSIONS, INITIAL, PhasePlan, check_planned_sessions
from shared.domain import Aggregate
from shared.errors import Conflict, Invalid
from shared.vocabulary import CLOSED_REASONS

PENDING, ACTIVE, CLOSED = "pending", "active", "closed"
OPEN_STATUSES = (PENDING, ACTIVE)


@dataclass(frozen=True)
class Admission:
    """What intake agreed at admission: the track, the focus and when the client can come."""

    track: str
    primary_problem_area: dict[str, Any]
    secondary_problem_area: dict[str, Any] | None
    preferred_days: tuple[str, ...]
    preferred_times: tuple[str, ...]
    clinician_preference: str | None
    admitted_at: datetime


@dataclass
class Episode(Aggregate):
    id: str
    client_id: str
    program: str
    status: str
    opened_at: datetime
    version: int = 0
    admission: Admission | None = None
    clinician_id: str | None = None
    planned_sessions: int = DEFAULT_PLANNED_SESSIONS  # the contract agreed at the start
    attended_sessions: int = 0
    phase: str = INITIAL  # of the next session
    maintenance: bool = False
    closed_reason: str | None = None
    closed_at: datetime | None = None

    @classmethod
    def open_pending(cls, client_id: str, program: str, now: datetime) -> Episode:
        """A registered client waits in a pending episode until intake admits them to a track."""
        episode = cls(id=str(uuid.uuid4()), client_id=client_id, program=program, status=PENDING, opened_at=now)
        episode.raise_event(
            EpisodeOpened(episode_id=episode.id, client_id=client_id, status=PENDING, program=program, opened_at=now)
        )
        return episode

    # -- the course ----------------------------------------------------------------------------
    @property
    def track(self) -> str | None:
        return self.admission.track if self.admission else None

    @property
    def problem_areas(self) -> list[dict[str, Any]]:
        if self.admission is None:
            return []
        areas = [self.admission.primary_problem_area, self.admission.secondary_problem_area]
        return [area for area in areas if area]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_session_number(self) -> int:
        return self.attended_sessions + 1

    def correct_program(self, program: str) -> None:
        """Intake corrected the client's program before admission: the pending episode follows."""
        if self.status == PENDING:
            self.program = program

    def admit(self, admission: Admission) -> None:
        """Admission makes the episode active; a repeated admission updates the agreed details."""
        self.admission = admission
        self.status = ACTIVE
        self.raise_event(
            EpisodeActivated(
                episode_id=self.id,
                client_id=self.client_id,
                program=self.program,
                track=admission.track,
                activated_at=admission.admitted_at,
            )
        )

    def assign(self, clinician_id: str, by: str, now: datetime) -> None:
        self._check_open()
        if clinician_id == self.clinician_id:
            return
        previous, self.clinician_id = self.clinician_id, clinician_id
        self.raise_event(
            EpisodeAssigned(
                episode_id=self.id,
                client_id=self.client_id,
                program=self.program,
                clinician_id=clinician_id,
                previous_clinician_id=previous,
                assigned_at=now,
                assigned_by=by,
            )
        )

    def agree_contract(self, planned_sessions: object, plan: PhasePlan, now: datetime) -> None:
        """The number of sessions agreed with the client (12 unless agreed otherwise)."""
        self._check_open()
        self.planned_sessions = check_planned_sessions(planned_sessions)
        self._move_phase(plan, now)

    def agree_maintenance(self, plan: PhasePlan, now: datetime) -> None:
        """Monthly continuation sessions after the acute course (maintenance IPT)."""
        self._check_open()
        self.maintenance = True
        self._move_phase(plan, now)

    def record_attendance(self, plan: PhasePlan, now: datetime) -> None:
        """An attended session moves the course on; the phase follows the next session."""
        self._check_open()
        self.attended_sessions += 1
        self._move_phase(plan, now)

    def close(self, reason: str, now: datetime) -> None:
        if reason not in CLOSED_REASONS:
            raise Invalid({"closed_reason": [f"Must be one of: {', '.join(CLOSED_REASONS)}."]})
        self._check_open()
        self.status, self.closed_reason, self.closed_at = CLOSED, reason, now
        self.raise_event(
            EpisodeClosed(
                episode_id=self.id,
                client_id=self.client_id,
                clinician_id=self.clinician_id,
                reason=reason,
                attended_sessions=self.attended_sessions,
                closed_at=now,
            )
        )

    def _move_phase(self, plan: PhasePlan, now: datetime) -> None:
        phase = plan.phase_of(self.next_session_number, self.planned_sessions, self.maintenance)
        if phase == self.phase:
            return
        previous, self.phase = self.phase, phase
        self.raise_event(
            EpisodePhaseChanged(
                episode_id=self.id,
                client_id=self.client_id,
                clinician_id=self.clinician_id,
                phase=phase,
                previous_phase=previous,
                next_session_number=self.next_session_number,
                changed_at=now,
            )
        )

    def _check_open(self) -> None:
        if not self.is_open:
            raise Conflict("This episode is closed.")
