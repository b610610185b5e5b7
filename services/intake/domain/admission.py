"""Admission of an assessed client to an IPT track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.intake.domain.assessment import ProblemAreas
from shared.errors import Invalid
from shared.vocabulary import DAY_PARTS, TRACKS, WEEKDAYS


@dataclass(frozen=True)
class Admission:
    track: str
    problem_areas: ProblemAreas
    preferred_days: tuple[str, ...]
    preferred_times: tuple[str, ...]
    admitted_by: str
    admitted_at: datetime
    clinician_preference: str | None = None


def check_admission(admission: Admission, has_treatment_consent: bool) -> None:
    errors = admission.problem_areas.check()
    if admission.track not in TRACKS:
        errors["track"] = [f"Must be one of: {', '.join(TRACKS)}."]
    if bad := [d for d in admission.preferred_days if d not in WEEKDAYS]:
        errors["preferred_days"] = [f"Unknown days: {', '.join(bad)}."]
    if bad := [t for t in admission.preferred_times if t not in DAY_PARTS]:
        errors["preferred_times"] = [f"Unknown times: {', '.join(bad)}; use {', '.join(DAY_PARTS)}."]
    if not has_treatment_consent:
        errors["consent"] = ["Record the client's consent to treatment before admission."]
    if errors:
        raise Invalid(errors)
