"""A questionnaire on a staff page: one radio group per instrument item, plus the extra questions it asks.

Fields are named by the dotted key the scoring library uses in its errors ("answers.3"), so one
name links a value, its input and its error; a page with several questionnaires prefixes the
keys with the instrument ("phq9.answers.3").
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from shared.instruments import Instrument
from shared.instruments.model import BOOLEAN, SCALE, ExtraField


def answer_key(number: int, prefix: str = "") -> str:
    return f"{prefix}answers.{number}"


def shown_extra_fields(instrument: Instrument) -> list[ExtraField]:
    # Intake already knows sex at birth: the server takes it from the client record (AUDIT-C).
    return [field for field in instrument.extra_fields if field.name != "sex_at_birth"]


def screening_body(instrument: Instrument, form: MultiDict[str, str], prefix: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "instrument": instrument.code,
        "answers": [_typed(item.kind, form.get(answer_key(item.number, prefix))) for item in instrument.items],
    }
    for extra in shown_extra_fields(instrument):
        body[extra.name] = _typed(extra.kind, form.get(prefix + extra.name))
    return body


def answered_any(instrument: Instrument, form: MultiDict[str, str], prefix: str = "") -> bool:
    """Whether any question of the questionnaire was answered (one left blank was not given)."""
    keys = [answer_key(item.number, prefix) for item in instrument.items]
    keys += [prefix + extra.name for extra in shown_extra_fields(instrument)]
    return any(form.get(key) for key in keys)


def _typed(kind: str, raw: str | None) -> Any:
    """A form answer as the instrument expects it; anything odd is passed on for the server to name."""
    if raw is None or raw == "":
        return None
    if kind == BOOLEAN:
        return {"true": True, "false": False}.get(raw, raw)
    if kind == SCALE:
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


def form_value(value: Any) -> str:
    """How an option value is written in a radio button: 'true'/'false' for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def screening_order(instrument: Instrument, prefix: str = "") -> list[str]:
    keys = [answer_key(item.number) for item in instrument.items] + [e.name for e in instrument.extra_fields]
    return [prefix + key for key in keys]


def screening_labels(instrument: Instrument, prefix: str = "", name: str = "") -> dict[str, str]:
    """What an error summary calls each field: "Question 3", or "PHQ-9 question 3" given a name."""
    question = f"{name} question" if name else "Question"
    labels = {answer_key(item.number, prefix): f"{question} {item.number}" for item in instrument.items}
    for extra in instrument.extra_fields:
        labels[prefix + extra.name] = _short(extra.label)
    labels[prefix + "answers"] = f"{name} answers" if name else "Answers"
    return labels


def _short(label: str, limit: int = 70) -> str:
    return label if len(label) <= limit else label[: limit - 1].rsplit(" ", 1)[0] + "…"
