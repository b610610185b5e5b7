"""The proposed IPT problem areas: asked on both the interpersonal inventory and the admission form."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from shared.staff_ui.forms import optional, text

PROBLEM_AREA_ORDER = [
    "problem_areas",
    "problem_areas.primary",
    "problem_areas.primary.area",
    "problem_areas.primary.stage",
    "problem_areas.secondary",
    "problem_areas.secondary.area",
    "problem_areas.secondary.stage",
]
PROBLEM_AREA_LABELS = {
    "problem_areas": "Problem areas",
    "problem_areas.primary": "Primary problem area",
    "problem_areas.primary.area": "Primary problem area",
    "problem_areas.primary.stage": "Stage of the primary role dispute",
    "problem_areas.secondary": "Secondary problem area",
    "problem_areas.secondary.area": "Secondary problem area",
    "problem_areas.secondary.stage": "Stage of the secondary role dispute",
}


def problem_areas_body(form: MultiDict) -> dict[str, Any]:
    primary: dict[str, Any] = {"stage": optional(form, "problem_areas.primary.stage")}
    if text(form, "problem_areas.primary.area"):
        primary["area"] = text(form, "problem_areas.primary.area")
    secondary = None
    if text(form, "problem_areas.secondary.area"):
        secondary = {
            "area": text(form, "problem_areas.secondary.area"),
            "stage": optional(form, "problem_areas.secondary.stage"),
        }
    return {"primary": primary, "secondary": secondary}


def problem_area_values(areas) -> dict[str, str]:
    """Recorded problem areas as form values, to fill the form in with them."""
    values = {
        "problem_areas.primary.area": areas.primary.area,
        "problem_areas.primary.stage": areas.primary.stage or "",
    }
    if areas.secondary is not None:
        values["problem_areas.secondary.area"] = areas.secondary.area
        values["problem_areas.secondary.stage"] = areas.secondary.stage or ""
    return values
