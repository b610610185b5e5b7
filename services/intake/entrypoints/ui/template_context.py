"""The names every intake page template can use besides the shared ones and what its view passes."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import g

from services.intake import handlers
from services.intake.domain.client import Client
from services.intake.entrypoints.access import viewer
from services.intake.entrypoints.ui import forms
from services.intake.entrypoints.ui.blueprint import ui
from services.intake.entrypoints.ui.wording import word
from shared.instruments import INSTRUMENTS, Instrument
from shared.roles import EMERGENCY_READERS, REGISTRARS, RISK_CLEARERS
from shared.service import dependencies
from shared.staff_ui.questionnaire import screening_labels
from shared.staff_ui.wording import fmt_date, fmt_dt, fmt_time


@ui.context_processor
def helpers() -> dict[str, Any]:
    principal = g.get("principal")
    role = principal.role if principal else None
    return {
        "fmt_dt": partial(fmt_dt, zone=dependencies().time_zone),
        "fmt_time": partial(fmt_time, zone=dependencies().time_zone),
        "zone_name": str(dependencies().time_zone),
        "fmt_date": fmt_date,
        "f": forms,
        "word": word,
        "can_register": role in REGISTRARS,
        "can_clear": role in RISK_CLEARERS,
        "can_break_glass": role in EMERGENCY_READERS,  # a client outside the caseload or team
        "instruments": INSTRUMENTS,
        "area_options": area_options,
        "missing_label": missing_label,
        "may_open": may_open,
    }


def may_open(client: Client) -> bool:
    """Whether the signed-in person may open this client's record (a found duplicate, or an
    admitted client found by name and date of birth, may be shown without a link)."""
    return g.get("principal") is not None and handlers.may_open(viewer(), client, dependencies().repos)


def missing_label(instrument: Instrument | None, key: str) -> str:
    """'answers.9' as 'Question 9', an extra answer by its question."""
    if instrument is None:
        return key
    return screening_labels(instrument).get(key, key)


def area_options(program: str) -> list[tuple[str, str]]:
    """The problem areas this client's program may choose (interpersonal deficits is a setting)."""
    allowed = dependencies().problem_area_policy.allowed(program)
    return [(code, label) for code, label in forms.AREA_OPTIONS if code in allowed]
