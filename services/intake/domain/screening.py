"""A screening given to a client: the raw answers and the result the instrument computed.

An incomplete form is refused and nothing is kept — unless the answers given already signal
suicide risk. Then the partial answers are kept as an incomplete (unscored) screening, so the
risk flag it raises points at what the client actually said.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.intake.domain.events import ScreeningCompleted
from services.intake.domain.risk import risk_from_screening
from shared.domain import Aggregate
from shared.instruments import InvalidAnswers, ScreeningResult, get_instrument
from shared.instruments.partial import risk_in_partial_answers


@dataclass(frozen=True)
class Screening(Aggregate):
    id: str
    client_id: str
    instrument: str
    version: str
    answers: list[Any]
    extras: dict[str, Any]
    total: int | None
    severity: str | None
    positive: bool
    flags: list[str]
    risk_level: str | None
    details: dict[str, Any]
    administered_by: str
    administered_at: datetime
    # False for a form kept only for the risk it shows: no total, and `missing` says what is.
    complete: bool = True
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def result(self) -> ScreeningResult:
        return ScreeningResult(
            instrument=self.instrument,
            version=self.version,
            total=self.total,
            severity=self.severity,
            positive=self.positive,
            flags=tuple(self.flags),
            risk_level=self.risk_level,
            details=dict(self.details),
        )


def administer(
    client_id: str,
    code: str,
    answers: list[Any],
    extras: dict[str, Any],
    sex_at_birth: str | None,
    by: str,
    now: datetime,
    cutoffs: Mapping[str, int] | None = None,
) -> Screening:
    """Scores the answers (raising InvalidAnswers naming each bad item) into a screening record."""
    instrument = get_instrument(code)
    extras = dict(extras)
    # AUDIT-C's cut-off depends on sex at birth, which intake already knows.
    if any(field.name == "sex_at_birth" for field in instrument.extra_fields):
        extras.setdefault("sex_at_birth", sex_at_birth)
        if extras["sex_at_birth"] is None:
            del extras["sex_at_birth"]
    try:
        result = instrument.score(list(answers), extras, cutoffs)
    except InvalidAnswers as invalid:
        partial = risk_in_partial_answers(code, answers, extras)
        if partial is None or risk_from_screening(partial) is None:
            raise
        return _record(client_id, partial, answers, extras, by, now, missing=invalid.errors)
    screening = _record(client_id, result, answers, extras, by, now)
    screening.raise_event(
        ScreeningCompleted(
            client_id=client_id,
            screening_id=screening.id,
            instrument=screening.instrument,
            version=screening.version,
            total=screening.total,
            severity=screening.severity,
            positive=screening.positive,
            risk_level=screening.risk_level,
            flags=tuple(screening.flags),
            administered_at=now,
            cutoff=screening.details.get("cutoff"),
        )
    )
    return screening


def _record(
    client_id: str,
    result: ScreeningResult,
    answers: list[Any],
    extras: dict[str, Any],
    by: str,
    now: datetime,
    missing: dict[str, list[str]] | None = None,
) -> Screening:
    return Screening(
        id=str(uuid.uuid4()),
        client_id=client_id,
        instrument=result.instrument,
        version=result.version,
        answers=list(answers),
        extras=extras,
        total=result.total,
        severity=result.severity,
        positive=result.positive,
        flags=list(result.flags),
        risk_level=result.risk_level,
        details=dict(result.details),
        administered_by=by,
        administered_at=now,
        complete=missing is None,
        missing=dict(missing or {}),
    )
