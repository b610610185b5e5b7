"""The screening form: one radio group per instrument item, plus the extra questions it asks."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from shared.instruments import Instrument
from shared.instruments.model import BOOLEAN, SCALE


def answer_key(number: int) -> str:
    return f"answers.{number}"


def shown_extra_fields(instrument: Instrument) -> list:
    # Intake already knows sex at birth: the server takes it from the client record (AUDIT-C).
    return [field for field in instrument.extra_fields if field.name != "sex_at_birth"]


def screening_body(instrument: Instrument, form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = {
        "instrument": instrument.code,
        "answers": [_typed(item.kind, form.get(answer_key(item.number))) for item in instrument.items],
    }
    for extra in shown_extra_fields(instrument):
        body[extra.name] = _typed(extra.kind, form.get(extra.name))
    return body


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


def screening_order(instrument: Instrument) -> list[str]:
    return [answer_key(item.number) for item in instrument.items] + [e.name for e in instrument.extra_fields]


def screening_labels(instrument: Instrument) -> dict[str, str]:
    labels = {answer_key(item.number): f"Question {item.number}" for item in instrument.items}
    for extra in instrument.extra_fields:
        labels[extra.name] = _short(extra.label)
    labels["answers"] = "Answers"
    return labels


def _short(label: str, limit: int = 70) -> str:
    return label if len(label) <= limit else label[: limit - 1].rsplit(" ", 1)[0] + "…"
