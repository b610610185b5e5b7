"""The risk-flag forms of the client record: raising a flag, and clearing one."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from services.intake.entrypoints.ui.forms.fields import optional, text

FLAG_ORDER = ("urgency", "note")


def flag_body(form: MultiDict) -> dict[str, Any]:
    return {"urgency": text(form, "urgency") or "high", "note": optional(form, "note")}


def clear_body(form: MultiDict) -> dict[str, Any]:
    return {"reason": text(form, "reason")}
