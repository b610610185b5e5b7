"""Admission of an assessed client to an IPT track, and what must be in place first.

Admission is gated: consent to treatment is required, an open urgent risk flag needs a
clinician's review first, and anything else still missing (screenings due, the interpersonal
inventory, an open high flag) is shown up front and needs a confirmed override with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.intake.domain.assessment import ProblemAreas
from shared.errors import Invalid
from shared.vocabulary import DAY_PARTS, TRACKS, WEEKDAYS

TREATMENT_CONSENT, URGENT_FLAG, HIGH_FLAG = "treatment_consent", "urgent_risk_flag", "high_risk_flag"
SCREENINGS_DUE, INVENTORY = "screenings_due", "interpersonal_inventory"


@dataclass(frozen=True)
class Gap:
    """Something missing before admission. A blocking gap must be closed; the others may be
    overridden, on the record, with a reason."""

    item: str
    message: str
    blocking: bool


@dataclass(frozen=True)
class Override:
    """Staff confirmed admission despite the gaps named, and said why."""

    reason: str
    gaps: tuple[str, ...]
    by: str


@dataclass(frozen=True)
class Admission:
    track: str
    problem_areas: ProblemAreas
    preferred_days: tuple[str, ...]
    preferred_times: tuple[str, ...]
    admitted_by: str
    admitted_at: datetime
    clinician_preference: str | None = None
    override: Override | None = None


def check_admission(admission: Admission) -> dict[str, list[str]]:
    """Field errors of the admission form itself, all at once (problem areas are checked
    against the program's policy by the client)."""
    errors: dict[str, list[str]] = {}
    if admission.track not in TRACKS:
        errors["track"] = [f"Must be one of: {', '.join(TRACKS)}."]
    if bad := [d for d in admission.preferred_days if d not in WEEKDAYS]:
        errors["preferred_days"] = [f"Unknown days: {', '.join(bad)}."]
    if bad := [t for t in admission.preferred_times if t not in DAY_PARTS]:
        errors["preferred_times"] = [f"Unknown times: {', '.join(bad)}; use {', '.join(DAY_PARTS)}."]
    return errors


def check_gaps(gaps: list[Gap], override_reason: str | None, errors: dict[str, list[str]]) -> None:
    """Adds to `errors` what keeps the admission back: every blocking gap, and the open ones
    when no override was confirmed; raises once with everything wrong, form and gaps alike."""
    for gap in gaps:
        if gap.blocking:
            errors.setdefault(gap.item, []).append(gap.message)
    open_gaps = [gap for gap in gaps if not gap.blocking]
    if open_gaps and not (override_reason or "").strip():
        for gap in open_gaps:
            errors.setdefault(gap.item, []).append(gap.message)
        errors["override"] = ["Admit anyway only with a confirmed override and the reason for it."]
    if errors:
        raise Invalid(errors)
