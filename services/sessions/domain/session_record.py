"""What a clinician documents about a session, and the measures given in it.

Measures are scored here from raw answers by the shared instrument library (never by the
client's device or the page), and each carries the suicide-risk finding of the same rule intake
applies, so a PHQ-9 item 9 above 0 in a session starts the same risk path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.errors import Invalid
from shared.instruments import INSTRUMENTS, InvalidAnswers, get_instrument
from shared.instruments.risk import suicide_risk
from shared.vocabulary import PHASES, PROBLEM_AREAS


@dataclass(frozen=True)
class Measure:
    id: str  # one per instrument per session: a corrected record replaces it, never adds one
    instrument: str
    version: str
    answers: list[Any]
    extras: dict[str, Any]
    total: int | None
    severity: str | None
    positive: bool
    risk_level: str | None
    flags: list[str]
    details: dict[str, Any]
    risk_urgency: str | None
    risk_source: str | None
    administered_at: datetime


@dataclass(frozen=True)
class SessionRecord:
    phase: str
    focus: str | None  # the problem area worked on
    interventions: tuple[str, ...]
    homework: str
    risk_review: str
    recorded_by: str
    recorded_at: datetime
    measures: tuple[Measure, ...] = field(default_factory=tuple)


def score_measures(session_id: str, given: Sequence[Mapping[str, Any]], now: datetime) -> tuple[Measure, ...]:
    """Scores each measure; refuses once, naming every bad answer of every measure."""
    errors: dict[str, list[str]] = {}
    measures: list[Measure] = []
    seen: set[str] = set()
    for index, raw in enumerate(given):
        code = str(raw.get("instrument", ""))
        if code not in INSTRUMENTS:
            errors[f"measures.{index}.instrument"] = [f"Unknown instrument; use one of: {', '.join(INSTRUMENTS)}."]
            continue
        if code in seen:
            errors[f"measures.{index}.instrument"] = ["Each instrument is given once per session."]
            continue
        seen.add(code)
        try:
            measures.append(_score(session_id, code, raw, now))
        except InvalidAnswers as invalid:
            errors.update({f"measures.{index}.{key}": messages for key, messages in invalid.errors.items()})
    if errors:
        raise Invalid(errors)
    return tuple(measures)


def _score(session_id: str, code: str, raw: Mapping[str, Any], now: datetime) -> Measure:
    answers = list(raw.get("answers") or [])
    extras = dict(raw.get("extras") or {})
    result = get_instrument(code).score(answers, extras)
    risk = suicide_risk(result)
    return Measure(
        id=f"{session_id}:{code}",
        instrument=result.instrument,
        version=result.version,
        answers=answers,
        extras=extras,
        total=result.total,
        severity=result.severity,
        positive=result.positive,
        risk_level=result.risk_level,
        flags=list(result.flags),
        details=dict(result.details),
        risk_urgency=risk[0] if risk else None,
        risk_source=risk[1] if risk else None,
        administered_at=now,
    )


def check_record(phase: str, focus: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if phase not in PHASES:
        errors["phase"] = [f"Must be one of: {', '.join(PHASES)}."]
    if focus is not None and focus not in PROBLEM_AREAS:
        errors["focus"] = [f"Must be one of: {', '.join(PROBLEM_AREAS)}."]
    if errors:
        raise Invalid(errors)
