"""A treatment episode: one client's IPT course, from referral to completion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.sessions.domain.events import EpisodeActivated, EpisodeOpened
from shared.domain import Aggregate

PENDING, ACTIVE = "pending", "active"
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

    @classmethod
    def open_pending(cls, client_id: str, program: str, now: datetime) -> Episode:
        """A registered client waits in a pending episode until intake admits them to a track."""
        episode = cls(id=str(uuid.uuid4()), client_id=client_id, program=program, status=PENDING, opened_at=now)
        episode.raise_event(
            EpisodeOpened(episode_id=episode.id, client_id=client_id, status=PENDING, program=program, opened_at=now)
        )
        return episode

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
