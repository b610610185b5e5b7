"""Reading what was typed into a posted form, and the element ids that tie a field to its hint and error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from werkzeug.datastructures import MultiDict


def text(form: MultiDict[str, str], key: str) -> str:
    return (form.get(key) or "").strip()


def optional(form: MultiDict[str, str], key: str) -> str | None:
    return text(form, key) or None


def given(form: MultiDict[str, str], *keys: str) -> dict[str, str]:
    """The named fields that were filled in: a blank one is left out, so the schema calls it missing."""
    return {key: text(form, key) for key in keys if text(form, key)}


def form_values(form: MultiDict[str, str], multi: Iterable[str] = ()) -> dict[str, Any]:
    """What the person typed, to show again next to the errors (lists for checkbox groups)."""
    values: dict[str, Any] = {key: form.get(key, "") for key in form if key != "csrf_token"}
    for key in multi:
        values[key] = form.getlist(key)
    return values


def field_id(key: str) -> str:
    return _element_id("f", key)


def error_id(key: str) -> str:
    return _element_id("e", key)


def hint_id(key: str) -> str:
    return _element_id("h", key)


def _element_id(kind: str, key: str) -> str:
    return f"{kind}-" + key.replace(".", "-").replace("_", "-")


def request_key() -> str | None:
    """The key the form was drawn with (see the csrf macro): the same for a resent form."""
    key = (request.form.get("request_key") or "").strip()
    return key if 8 <= len(key) <= 64 else None
