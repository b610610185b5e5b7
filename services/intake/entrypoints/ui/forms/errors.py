"""Intake's form errors: the shared error maps, with intake's words for what to enter."""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import ValidationError

from services.intake.entrypoints.ui.forms.messages import REQUIRED_WORDS
from shared.errors import Invalid
from shared.staff_ui.errors import REFUSALS, Errors, ordered  # noqa: F401 - what intake's pages use
from shared.staff_ui.errors import refusal_errors as shared_refusal_errors


def refusal_errors(refusal: ValidationError | Invalid) -> Errors:
    """The field errors of a refused form, a missing answer worded as what to enter on intake's forms."""
    return shared_refusal_errors(refusal, REQUIRED_WORDS)


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
