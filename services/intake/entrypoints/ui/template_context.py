"""The names every staff-page template can use besides what its view passes."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from flask import g

from services.intake.entrypoints.ui import forms
from services.intake.entrypoints.ui.blueprint import ui
from services.intake.entrypoints.ui.forms.fields import error_id, field_id, hint_id
from services.intake.entrypoints.ui.forms.screening import screening_labels
from services.intake.entrypoints.ui.security import IDLE_SECONDS, csrf_token
from services.intake.entrypoints.ui.wording import fmt_date, fmt_dt, word
from shared.instruments import INSTRUMENTS, Instrument
from shared.roles import REGISTRARS, RISK_CLEARERS
from shared.service import dependencies


@ui.context_processor
def helpers() -> dict[str, Any]:
    principal = g.get("principal")
    role = principal.role if principal else None
    return {
        "principal": principal,
        "csrf_token": csrf_token,
        "fid": field_id,
        "eid": error_id,
        "hid": hint_id,
        "fmt_dt": partial(fmt_dt, zone=dependencies().time_zone),
        "zone_name": str(dependencies().time_zone),
        "fmt_date": fmt_date,
        "f": forms,
        "word": word,
        "can_register": role in REGISTRARS,
        "can_clear": role in RISK_CLEARERS,
        "idle_minutes": IDLE_SECONDS // 60,
        "instruments": INSTRUMENTS,
        "area_options": area_options,
        "missing_label": missing_label,
        "new_request_key": lambda: uuid.uuid4().hex,
    }


def missing_label(instrument: Instrument | None, key: str) -> str:
    """'answers.9' as 'Question 9', an extra answer by its question."""
    if instrument is None:
        return key
    return screening_labels(instrument).get(key, key)


def area_options(program: str) -> list[tuple[str, str]]:
    """The problem areas this client's program may choose (interpersonal deficits is a setting)."""
    allowed = dependencies().problem_area_policy.allowed(program)
    return [(code, label) for code, label in forms.AREA_OPTIONS if code in allowed]
