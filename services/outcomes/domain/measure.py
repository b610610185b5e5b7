"""A scored measure in a client's course: the raw material of measurement-based care.

Measures come from intake's screenings, from sessions' records, or are taken outside a session
and scored here from raw answers by the shared instrument library (never by a page or device).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from services.outcomes.domain.events import ScoreRecorded
from shared.domain import Aggregate
from shared.errors import Invalid
from shared.instruments import INSTRUMENTS, ScreeningResult, get_instrument
from shared.instruments.risk import suicide_risk
from shared.vocabulary import MEASURE_SOURCES

INTAKE, SESSION, OUTSIDE_SESSION, SELF_REPORT = MEASURE_SOURCES
# The PHQ-9 scorer sets this flag for item 9 above 0, and for nothing else.
SELF_HARM_FLAG = "suicidal_ideation"
_REQUEST_KEYS = uuid.UUID("5d0b7f3e-2c41-4e8a-9f6d-8a1b2c3d4e5f")


@dataclass(frozen=True)
class Measure(Aggregate):
    measure_id: str
    client_id: str
    instrument: str
    version: str
    total: int | None
    severity: str | None
    positive: bool
    administered_at: datetime
    cutoff: int | None = None  # the cut-off in force for `positive`
    source: str | None = (
        None  # INTAKE, SESSION, OUTSIDE_SESSION or SELF_REPORT (None only on records older than sources)
    )
    episode_id: str | None = None  # the episode it counts towards, when the client had one open
    session_number: int | None = None
    flags: tuple[str, ...] = ()
    recorded_by: str | None = None  # who entered a measure taken outside a session
    # Kept only for measures taken here; intake and sessions keep the answers of theirs.
    answers: tuple[object, ...] | None = None
    extras: dict[str, object] | None = None
    # Scored here only: the suicide-risk finding intake raises its flag from (the rule of every service).
    risk_urgency: str | None = None
    risk_source: str | None = None

    def record(self) -> Measure:
        """The measure as recorded, announcing its score (a corrected one is announced again)."""
        self.raise_event(
            ScoreRecorded(
                measure_id=self.measure_id,
                client_id=self.client_id,
                episode_id=self.episode_id,
                session_number=self.session_number,
                instrument=self.instrument,
                version=self.version,
                total=self.total,
                severity=self.severity,
                positive=self.positive,
                cutoff=self.cutoff,
                flags=self.flags,
                source=self.source or INTAKE,
                administered_at=self.administered_at,
                risk_urgency=self.risk_urgency,
                risk_source=self.risk_source,
            )
        )
        return self

    def in_episode(self, episode_id: str | None) -> Measure:
        return replace(self, episode_id=episode_id)

    def same_result_as(self, other: Measure) -> bool:
        """Whether `other` says nothing new: the same event delivered again, or republished unchanged."""
        return self._result() == other._result()

    def _result(self) -> tuple[object, ...]:
        return (
            self.instrument,
            self.version,
            self.total,
            self.severity,
            self.positive,
            self.cutoff,
            tuple(self.flags),
            self.session_number,
            self.administered_at,
        )

    @property
    def self_harm_positive(self) -> bool:
        """PHQ-9 item 9 above 0."""
        return self.instrument == "phq9" and SELF_HARM_FLAG in self.flags


def score_answers(
    code: str, answers: Sequence[object], extras: Mapping[str, object], cutoffs: Mapping[str, int]
) -> ScreeningResult:
    """Scores raw answers with the shared library; Invalid naming every bad item otherwise."""
    if code not in INSTRUMENTS:
        raise Invalid({"instrument": [f"Unknown instrument; use one of: {', '.join(INSTRUMENTS)}."]})
    return get_instrument(code).score(answers, extras, cutoffs)


def taken_outside_session(
    measure_id: str,
    client_id: str,
    result: ScreeningResult,
    answers: Sequence[object],
    extras: Mapping[str, object],
    by: str,
    now: datetime,
) -> Measure:
    risk = suicide_risk(result)
    return Measure(
        measure_id=measure_id,
        client_id=client_id,
        instrument=result.instrument,
        version=result.version,
        total=result.total,
        severity=result.severity,
        positive=result.positive,
        administered_at=now,
        cutoff=result.details.get("cutoff"),
        source=OUTSIDE_SESSION,
        flags=tuple(result.flags),
        recorded_by=by,
        answers=tuple(answers),
        extras=dict(extras),
        risk_urgency=risk[0] if risk else None,
        risk_source=risk[1] if risk else None,
    )


def measure_id_for(client_id: str, request_key: str | None) -> str:
    """A resend with the same request key names the same measure, so it is recorded once."""
    if request_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_REQUEST_KEYS, f"{client_id}/{request_key}"))
