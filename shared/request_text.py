"""What a request body may hold before any schema sees it: JSON the parser can read without
exhausting the stack, nested no deeper than any contract needs, and text without characters that
are not text — lone surrogates (which no database can store), NUL and other control characters,
and the direction overrides that make a name display as something it is not.

One check for every service, run before the body is parsed for a view (shared/web.py); the staff
pages check their form fields with the same rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# No contract nests deeper than a handful of levels; 32 leaves room and refuses the rest at once.
MAX_DEPTH = 32

# C0 controls other than tab, line feed and carriage return; DEL and C1 controls; bidirectional
# embeddings, overrides and isolates; lone UTF-16 surrogates (json.loads lets "\ud800" through).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

NOT_TEXT_MESSAGE = "Contains characters that are not text (control, direction-override or unpaired surrogate)."


@dataclass(frozen=True)
class BodyProblem(Exception):
    """Why a body is refused: 400 when it is not JSON we can read, 422 when a field's text is bad."""

    status: int
    message: str
    errors: dict[str, Any] = field(default_factory=dict)  # as webargs gives them: {"json": {path: [...]}}


def has_non_text(value: str) -> bool:
    return _NOT_TEXT.search(value) is not None


def check_json_body(raw: bytes) -> Any:
    """The parsed body, or BodyProblem. Numbers too long to convert and nesting too deep for the
    parser are refused like any other unreadable JSON."""
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BodyProblem(400, _unreadable(error)) from None
    bad = list(dict.fromkeys(_bad_text_paths(parsed)))
    if TOO_DEEP in bad:
        raise BodyProblem(400, f"The JSON body is nested more than {MAX_DEPTH} levels deep.")
    if bad:
        raise BodyProblem(422, "The request was well-formed but was unable to be followed.", _field_errors(bad))
    return parsed


def _unreadable(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return f"The JSON body is nested more than {MAX_DEPTH} levels deep."
    if isinstance(error, UnicodeDecodeError):
        return "The JSON body is not valid UTF-8."
    if isinstance(error, json.JSONDecodeError):
        return f"The body is not valid JSON (line {error.lineno}, column {error.colno})."
    return "The JSON body holds a number too long to read."


Path = tuple[str | int, ...]
TOO_DEEP: Path = ("<depth>",)


def _bad_text_paths(value: Any, path: Path = (), depth: int = 0) -> Iterator[Path]:
    """Where the strings (keys included) holding characters that are not text are."""
    if depth > MAX_DEPTH:
        yield TOO_DEEP
        return
    if isinstance(value, str):
        if has_non_text(value):
            yield path or ("<body>",)
    elif isinstance(value, dict):
        for key, item in value.items():
            if has_non_text(key):
                yield (*path, "<key>")
                continue
            yield from _bad_text_paths(item, (*path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_text_paths(item, (*path, index), depth + 1)


def _field_errors(paths: list[Path]) -> dict[str, Any]:
    """Nested like a schema's own errors: {"json": {"contact": {"email": ["..."]}}}."""
    errors: dict[Any, Any] = {}
    for path in paths:
        level = errors
        for step in path[:-1]:
            level = level.setdefault(step, {})
        level[path[-1]] = [NOT_TEXT_MESSAGE]
    return {"json": errors}
