"""An episode as outcomes follows it: who treats the client, which sessions were attended, and
which statuses and alerts it has already announced.

Built from sessions' events (each applied so that a redelivery changes nothing) and reviewed
after every new measure or attended session: a status that changed, or an alert condition not
raised before, is announced once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.outcomes.domain.alerts import AlertCondition, AlertPolicy, AttendedSession, alert_conditions
from services.outcomes.domain.classification import PHQ9, RULE_SET, Outcomes, outcomes_of
from services.outcomes.domain.events import AlertRaised, StatusChanged
from services.outcomes.domain.measure import Measure
from services.outcomes.domain.report import CourseSummary, summarise
from shared.domain import Aggregate
from shared.vocabulary import OUTCOME_STATUSES, STATUS_CHANGES

RESPONSE, REMISSION, RECOVERY = OUTCOME_STATUSES
REACHED, LOST = STATUS_CHANGES
_ALERT_IDS = uuid.UUID("8c3f0a9e-6b7d-4f21-a5e4-3d2c1b0a9f8e")


@dataclass
class EpisodeCourse(Aggregate):
    episode_id: str
    client_id: str
    program: str | None = None
    clinician_id: str | None = None
    opened_at: datetime | None = None  # None when outcomes first heard of it from a later event
    closed_at: datetime | None = None
    attended: list[AttendedSession] = field(default_factory=list)
    statuses: dict[str, bool] = field(default_factory=dict)  # as last announced
    raised_alerts: list[str] = field(default_factory=list)  # AlertCondition keys
    version: int = 0

    # -- what sessions tells ---------------------------------------------------------------------
    def opened(self, program: str, at: datetime) -> None:
        self.program, self.opened_at = program, at

    def assigned(self, clinician_id: str, program: str) -> None:
        self.clinician_id, self.program = clinician_id, program

    def closed(self, at: datetime) -> None:
        self.closed_at = at

    def attend(self, session: AttendedSession) -> bool:
        """Records an attended session; False when it was already known."""
        if any(known.session_id == session.session_id for known in self.attended):
            return False
        self.attended = sorted([*self.attended, session], key=lambda s: s.number)
        return True

    @property
    def attended_sessions(self) -> int:
        return len(self.attended)

    def was_open_at(self, at: datetime) -> bool:
        return (self.opened_at is None or self.opened_at <= at) and (self.closed_at is None or at <= self.closed_at)

    # -- what the measures add up to -------------------------------------------------------------
    def outcomes(self, measures: Iterable[Measure]) -> Outcomes:
        return outcomes_of(measures, self.attended_sessions)

    def summary(
        self, measures: Iterable[Measure], problem_area: str | None, program: str | None = None
    ) -> CourseSummary | None:
        """What the program reports count of this episode (`program` when sessions has not named one)."""
        return summarise(
            self.episode_id,
            self.client_id,
            self.program or program,
            self.clinician_id,
            problem_area,
            self.opened_at,
            self.closed_at,
            self.attended_sessions,
            measures,
        )

    def review(self, measures: Sequence[Measure], policy: AlertPolicy, now: datetime, cause: Measure | None) -> None:
        """Announces statuses reached or lost (when a measure caused the review) and alerts not raised before."""
        if cause is not None:
            self._follow_statuses(self.outcomes(measures), cause.measure_id, now)
        for condition in alert_conditions(measures, self.attended, policy, closed=self.closed_at is not None):
            if condition.key not in self.raised_alerts:
                self._raise_alert(condition, now)

    def _follow_statuses(self, outcomes: Outcomes, measure_id: str, now: datetime) -> None:
        phq9 = outcomes.instruments.get(PHQ9)
        current = {
            RESPONSE: phq9.response if phq9 else None,
            REMISSION: phq9.remission if phq9 else None,
            RECOVERY: outcomes.nhs.recovered,
        }
        for status, value in current.items():
            was = self.statuses.get(status, False)
            now_reached = value is True
            if now_reached == was:
                continue
            self.statuses[status] = now_reached
            self.raise_event(
                StatusChanged(
                    client_id=self.client_id,
                    episode_id=self.episode_id,
                    clinician_id=self.clinician_id,
                    status=status,
                    change=REACHED if now_reached else LOST,
                    measure_id=measure_id,
                    rule_set=outcomes.rule_set,
                    changed_at=now,
                )
            )

    def _raise_alert(self, condition: AlertCondition, now: datetime) -> None:
        self.raised_alerts.append(condition.key)
        self.raise_event(
            AlertRaised(
                alert_id=str(uuid.uuid5(_ALERT_IDS, f"{self.episode_id}/{condition.key}")),
                client_id=self.client_id,
                episode_id=self.episode_id,
                clinician_id=self.clinician_id,
                kind=condition.kind,
                instrument=condition.instrument,
                measure_id=condition.measure_id,
                session_number=condition.session_number,
                rule_set=RULE_SET,
                raised_at=now,
            )
        )


def course_at(courses: Iterable[EpisodeCourse], at: datetime) -> EpisodeCourse | None:
    """The episode open at `at` (the latest opened, if several were)."""
    open_then = [course for course in courses if course.was_open_at(at)]
    if not open_then:
        return None
    return max(open_then, key=lambda c: (c.opened_at is not None, c.opened_at or at, c.episode_id))
