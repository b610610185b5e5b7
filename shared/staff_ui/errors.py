"""Error maps keyed by form field: from a refused save to the messages shown next to each input.

Form fields are named by the dotted key the schemas and the domain use in their errors
("contact.phone", "answers.3"), so one name links a value, its input and its error message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import ValidationError

from shared.errors import Invalid

Errors = dict[str, list[str]]

# What a save refuses a form with: the schema's checks, then the domain's rules.
REFUSALS = (ValidationError, Invalid)

# Marshmallow's generic messages, said in plain words for a person filling in a form.
PLAIN_MESSAGES = {
    "Missing data for required field.": "This is required.",
    "Field may not be null.": "This is required.",
    "Not a valid date.": "Enter a real date, for example 1988-07-14.",
    "Not a valid email address.": "Enter an email address like name@example.org.",
    "Not a valid integer.": "Choose one of the options.",
}
# A field left empty, or holding only spaces: both are worded as what to enter.
REQUIRED = {"Missing data for required field.", "Field may not be null.", "Must not be blank."}


def plain(key: str, message: str, required_words: Mapping[str, str] | None = None) -> str:
    """A schema message in plain words; a missing answer as what to enter, by key (or its last part)."""
    if message in REQUIRED:
        words = required_words or {}
        return words.get(key) or words.get(key.rsplit(".", 1)[-1]) or "This is required."
    return PLAIN_MESSAGES.get(message, message)


def refusal_errors(refusal: ValidationError | Invalid, required_words: Mapping[str, str] | None = None) -> Errors:
    """The field errors of a refused form: schema messages flattened, domain errors (`.errors`) as they are."""
    if isinstance(refusal, ValidationError):
        return flatten_errors(refusal.messages, required_words=required_words)
    return dict(refusal.errors)


def flatten_errors(messages: Any, prefix: str = "", required_words: Mapping[str, str] | None = None) -> Errors:
    """{"contact": {"phone": [...]}, "relationships": {0: {...}}} -> {"contact.phone": [...], ...}."""
    flat: Errors = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_form"
            _merge(flat, flatten_errors(value, name, required_words))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_form"] = [plain(prefix, m, required_words) for m in messages]
        else:
            for index, value in enumerate(messages):
                _merge(flat, flatten_errors(value, f"{prefix}.{index}", required_words))
    else:
        flat[prefix or "_form"] = [plain(prefix, str(messages), required_words)]
    return flat


def _merge(errors: Errors, more: Errors) -> None:
    for key, messages in more.items():
        errors.setdefault(key, []).extend(messages)


def ordered(errors: Errors, order: Iterable[str]) -> Errors:
    """Errors in the order the fields appear on the page (unknown keys last), for the summary."""
    position = {key: index for index, key in enumerate(order)}
    return dict(sorted(errors.items(), key=lambda item: (position.get(item[0], len(position)), item[0])))
