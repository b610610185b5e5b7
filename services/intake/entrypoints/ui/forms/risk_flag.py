"""The risk-flag forms of the client record: raising a flag, and clearing one."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from shared.staff_ui.forms import optional, text

FLAG_ORDER = ("urgency", "note")


def flag_body(form: MultiDict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"note": optional(form, "note")}
    if text(form, "urgency"):  # left out when none was chosen, so the schema asks for it
        body["urgency"] = text(form, "urgency")
    return body


def clear_body(form: MultiDict) -> dict[str, Any]:
    return {"reason": text(form, "reason")}
