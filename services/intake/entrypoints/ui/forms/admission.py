"""The admission form: the IPT track, the problem areas to treat and the scheduling preferences."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from services.intake.entrypoints.ui.forms.problem_areas import (
    PROBLEM_AREA_LABELS,
    PROBLEM_AREA_ORDER,
    problem_areas_body,
)
from shared.staff_ui.forms import given, optional

CHECKBOX_GROUPS = ("preferred_days", "preferred_times", "override")
GAP_KEYS = ("treatment_consent", "urgent_risk_flag", "high_risk_flag", "screenings_due", "interpersonal_inventory")
ADMISSION_ORDER = [
    *GAP_KEYS,
    "override",
    "track",
    *PROBLEM_AREA_ORDER,
    "preferred_days",
    "preferred_times",
    "clinician_preference",
]
ADMISSION_LABELS = {
    "treatment_consent": "Treatment consent",
    "urgent_risk_flag": "Urgent risk flag",
    "high_risk_flag": "High risk flag",
    "screenings_due": "Screenings due",
    "interpersonal_inventory": "Interpersonal inventory",
    "override": "Override",
    "track": "Track",
    "preferred_days": "Preferred days",
    "preferred_times": "Preferred times",
    "clinician_preference": "Clinician preference",
    **PROBLEM_AREA_LABELS,
}


def admission_body(form: MultiDict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "problem_areas": problem_areas_body(form),
        "preferred_days": form.getlist("preferred_days"),
        "preferred_times": form.getlist("preferred_times"),
        "clinician_preference": optional(form, "clinician_preference"),
        **given(form, "track"),
    }
    if form.get("override") == "yes":
        body["override"] = {"confirmed": True, "reason": form.get("override_reason", "")}
    return body
