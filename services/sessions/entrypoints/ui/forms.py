"""From the workspace's HTML forms to the API's request bodies (checked by the API's own schemas).

Times are typed as a date and a wall-clock time in the clinician's own time zone, as they would
write them in a diary; the offset is worked out here, so a session after a daylight-saving change
is entered the same way as one before it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from services.sessions.entrypoints.schemas import SeriesRequestSchema, SessionChangeSchema, SessionRecordSchema
from shared.errors import Invalid
from shared.instruments import get_instrument
from shared.staff_ui.errors import Errors, flatten_errors
from shared.staff_ui.forms import optional, text
from shared.staff_ui.questionnaire import answered_any, screening_body

REQUIRED_WORDS = {
    "date": "Enter the date, for example 2026-12-01.",
    "time": "Enter the time, for example 14:00.",
    "modality": "Choose how the session takes place.",
    "cancelled_by": "Choose who cancelled.",
    "phase": "Choose the phase of this session.",
}
BOOKING_ORDER = ("date", "time", "duration_minutes", "count", "frequency", "modality")
RECORD_INSTRUMENTS = ("phq9", "gad7")  # the measures given in a session, every session by default

# IPT's techniques as the manuals name them: ticked on the record, stored as these words.
INTERVENTIONS = (
    "Interpersonal inventory",
    "Psychoeducation and the sick role",
    "Linking mood to interpersonal events",
    "Communication analysis",
    "Role play",
    "Decision analysis",
    "Encouraging affect",
    "Clarification",
    "Reviewing progress and preparing for the end",
)


def local_start(form: MultiDict[str, str], zone: ZoneInfo) -> datetime:
    """The date and time typed, as an instant in the clinician's zone; names each field that is wrong."""
    errors: Errors = {}
    day, hour = text(form, "date"), text(form, "time")
    parsed_day: date | None = None
    parsed_time: time | None = None
    try:
        parsed_day = date.fromisoformat(day) if day else None
    except ValueError:
        errors["date"] = ["Enter a real date, for example 2026-12-01."]
    try:
        parsed_time = time.fromisoformat(hour) if hour else None
    except ValueError:
        errors["time"] = ["Enter a time of day, for example 14:00."]
    if not day and "date" not in errors:
        errors["date"] = [REQUIRED_WORDS["date"]]
    if not hour and "time" not in errors:
        errors["time"] = [REQUIRED_WORDS["time"]]
    if errors or parsed_day is None or parsed_time is None:
        raise Invalid(errors)
    return datetime.combine(parsed_day, parsed_time, zone)


def booking_request(form: MultiDict[str, str], zone: ZoneInfo) -> dict[str, Any]:
    """A series request, as POST /api/v1/episodes/{id}/sessions takes it."""
    errors: Errors = {}
    start: datetime | None = None
    try:
        start = local_start(form, zone)
    except Invalid as invalid:
        errors.update(invalid.errors)
    body: dict[str, Any] = {
        "start": start.isoformat() if start else "2000-01-01T00:00:00+00:00",
        "duration_minutes": _int(form, "duration_minutes", errors),
        "count": _int(form, "count", errors),
        "frequency": text(form, "frequency") or None,
        "modality": text(form, "modality") or None,
    }
    body = {key: value for key, value in body.items() if value is not None}
    return _load(SeriesRequestSchema(), body, errors)


def reschedule_request(form: MultiDict[str, str], zone: ZoneInfo) -> dict[str, Any]:
    return _load(SessionChangeSchema(), {"start": local_start(form, zone).isoformat()}, {})


def cancel_request(form: MultiDict[str, str]) -> dict[str, Any]:
    by = optional(form, "cancelled_by")
    if by is None:
        raise Invalid({"cancelled_by": [REQUIRED_WORDS["cancelled_by"]]})
    return _load(SessionChangeSchema(), {"status": "cancelled", "cancelled_by": by}, {})


def record_request(form: MultiDict[str, str]) -> dict[str, Any]:
    """A session record, as PUT /api/v1/sessions/{id}/record takes it; a questionnaire with no answer
    at all was not given, one with some answers is scored (and any missing answer named)."""
    measures = []
    for code in RECORD_INSTRUMENTS:
        instrument = get_instrument(code)
        if answered_any(instrument, form, prefix=f"{code}."):
            body = screening_body(instrument, form, prefix=f"{code}.")
            extras = {key: value for key, value in body.items() if key not in ("instrument", "answers")}
            measures.append({"instrument": code, "answers": body["answers"], "extras": extras})
    interventions = [i for i in form.getlist("interventions") if i in INTERVENTIONS]
    other = text(form, "other_intervention")
    body = {
        "phase": text(form, "phase") or None,
        "focus": optional(form, "focus"),
        "interventions": interventions + ([other] if other else []),
        "homework": text(form, "homework"),
        "risk_review": text(form, "risk_review"),
        "measures": measures,
    }
    return _load(SessionRecordSchema(), {k: v for k, v in body.items() if v is not None}, {})


def record_errors(errors: Errors, body: dict[str, Any]) -> Errors:
    """The scoring library names "measures.0.answers.3"; the form names that field "phq9.answers.3"."""
    given = [measure["instrument"] for measure in body.get("measures", [])]
    mapped: Errors = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "measures" and len(parts) > 2 and parts[1].isdigit() and int(parts[1]) < len(given):
            parts = [given[int(parts[1])], *[part for part in parts[2:] if part != "extras"]]
        mapped.setdefault(".".join(parts), []).extend(messages)
    return mapped


def _int(form: MultiDict[str, str], key: str, errors: Errors) -> int | None:
    raw = text(form, key)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        errors[key] = ["Enter a whole number."]
        return None


def _load(schema: Any, body: dict[str, Any], errors: Errors) -> dict[str, Any]:
    """The body checked by the API's schema, every problem named at once (with those found here)."""
    try:
        loaded: dict[str, Any] = schema.load(body)
    except ValidationError as refusal:
        errors = {**flatten_errors(refusal.messages, required_words=REQUIRED_WORDS), **errors}
        raise Invalid(errors) from refusal
    if errors:
        raise Invalid(errors)
    return loaded
