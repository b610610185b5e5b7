"""Error maps keyed by form field: from a refused save to the messages shown next to each input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import ValidationError

from services.intake.entrypoints.ui.forms.messages import plain
from shared.errors import Invalid

Errors = dict[str, list[str]]

# What a save refuses a form with: the schema's checks, then the domain's rules.
REFUSALS = (ValidationError, Invalid)


def refusal_errors(refusal: ValidationError | Invalid) -> Errors:
    """The field errors of a refused form: schema messages flattened, domain errors (`.errors`) as they are."""
    if isinstance(refusal, ValidationError):
        return flatten_errors(refusal.messages)
    return dict(refusal.errors)


def flatten_errors(messages: Any, prefix: str = "") -> Errors:
    """{"contact": {"phone": [...]}, "relationships": {0: {...}}} -> {"contact.phone": [...], ...}."""
    flat: Errors = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_form"
            _merge(flat, flatten_errors(value, name))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_form"] = [plain(prefix, m) for m in messages]
        else:
            for index, value in enumerate(messages):
                _merge(flat, flatten_errors(value, f"{prefix}.{index}"))
    else:
        flat[prefix or "_form"] = [plain(prefix, str(messages))]
    return flat


def _merge(errors: Errors, more: Errors) -> None:
    for key, messages in more.items():
        errors.setdefault(key, []).extend(messages)


def ordered(errors: Errors, order: Iterable[str]) -> Errors:
    """Errors in the order the fields appear on the page (unknown keys last), for the summary."""
    position = {key: index for index, key in enumerate(order)}
    return dict(sorted(errors.items(), key=lambda item: (position.get(item[0], len(position)), item[0])))


# Domain errors name problem areas as "primary.stage"; the form names them "problem_areas.primary.stage".
def form_keys(errors: Errors, positions: Mapping[str, list[int]] | None = None) -> Errors:
    """Domain error keys as form keys; with `positions`, list indexes become the on-screen row numbers."""
    mapped: Errors = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] in ("primary", "secondary"):
            parts = ["problem_areas", *parts]
        if positions and parts[0] in positions and len(parts) > 1 and parts[1].isdigit():
            rows = positions[parts[0]]
            index = int(parts[1])
            if index < len(rows):
                parts[1] = str(rows[index])
        mapped.setdefault(".".join(parts), []).extend(messages)
    return mapped
