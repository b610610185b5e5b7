"""Checks raw answers before scoring and collects every problem, never only the first.

An incomplete form gets no total (no pro-rating), so a missing item is an error like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from shared.instruments.model import ALWAYS, BOOLEAN, CHOICE, SCALE, Applicability, ExtraField, InvalidAnswers, Item

if TYPE_CHECKING:
    from shared.instruments.instrument import Instrument

Errors = dict[str, list[str]]
SkipRule = Callable[[Sequence[object]], Mapping[int, Applicability]]
ExtrasRule = Callable[[Sequence[object], Mapping[str, object]], Errors]


def validate_submission(
    instrument: Instrument, answers: object, extras: object
) -> tuple[tuple[object, ...], dict[str, object]]:
    """Return the answers (skipped items as their 'no' value) and every extra field, or raise."""
    errors: Errors = {}
    values = _check_answers(instrument, answers, errors)
    clean_extras = _check_extras(instrument, extras, errors)
    if values is not None and instrument.extras_rule is not None:
        _merge(errors, instrument.extras_rule(values, clean_extras))
    if errors or values is None:
        raise InvalidAnswers(errors)
    return values, clean_extras


def _check_answers(instrument: Instrument, answers: object, errors: Errors) -> tuple[object, ...] | None:
    # A str is a Sequence too, but "0123" is never a valid list of answers.
    if not isinstance(answers, (list, tuple)):
        _add(errors, "answers", "Answers must be a list with one answer per question, in question order.")
        return None
    rules = instrument.skip_rule(answers) if instrument.skip_rule is not None else {}
    values = []
    for item in instrument.items:
        raw = answers[item.number - 1] if item.number <= len(answers) else None
        applicability = rules.get(item.number, Applicability(required=True))
        problem = check_item(item, raw, applicability)
        if problem:
            _add(errors, answer_key(item.number), problem)
        values.append(item.no_value if raw is None and applicability.skipped_because else raw)
    count = len(instrument.items)
    for number in range(count + 1, len(answers) + 1):
        _add(errors, answer_key(number), f"This form has {count} questions; there is no question {number}.")
    return tuple(values)


def check_item(item: Item, raw: object, applicability: Applicability) -> str | None:
    """A plain-language problem with one answer, or None when it is acceptable."""
    if applicability.skipped_because:
        if raw is None or _same_answer(raw, item.no_value):
            return None
        reason = applicability.skipped_because
        # "no" for yes/no items; a scale item's 'no' value is its lowest score (e.g. AUDIT's 0).
        no_answer = "no" if item.kind == BOOLEAN else str(item.no_value)
        return f"Question {item.number} is skipped because {reason}; leave it empty or answer {no_answer}."
    if raw is None:
        return None if not applicability.required else f"Question {item.number} is unanswered."
    if item.kind == BOOLEAN and not isinstance(raw, bool):
        return f"Question {item.number} needs a yes or no answer (true or false)."
    if item.kind == SCALE and not _is_int(raw):
        return f"Question {item.number} needs a whole number: {_describe(item.allowed_values)}."
    if raw not in item.allowed_values:
        return f"Question {item.number} must be {_describe(item.allowed_values)}; {raw} is not allowed."
    return None


def _check_extras(instrument: Instrument, extras: object, errors: Errors) -> dict[str, object]:
    provided: Mapping[str, object] = {}
    if isinstance(extras, Mapping):
        provided = extras
    elif extras is not None:
        _add(errors, "extras", "Extra answers must be a mapping from field name to answer.")
    known = {field.name for field in instrument.extra_fields}
    for name in provided:
        # A misspelt field would otherwise be dropped silently and look unanswered.
        if name not in known:
            _add(errors, str(name), f"'{name}' is not part of the {instrument.name}.")
    clean: dict[str, object] = {}
    for field in instrument.extra_fields:
        value = provided.get(field.name)
        problem = check_extra(field, value)
        if problem:
            _add(errors, field.name, problem)
        clean[field.name] = value
    return clean


def check_extra(field: ExtraField, value: object) -> str | None:
    """Type and choice checks; conditional requirements belong to the instrument's extras rule.

    Messages do not repeat the (often long) question: the error key already names the field.
    """
    if value is None:
        return "This answer is required." if field.required == ALWAYS else None
    if field.kind == BOOLEAN and not isinstance(value, bool):
        return "This needs a yes or no answer (true or false)."
    if field.kind == SCALE and not _is_int(value):
        return f"This needs a whole number: {_describe(field.choices)}."
    if field.kind == CHOICE and not isinstance(value, str):
        return f"This must be one of {_describe(field.choices)}."
    if value not in field.choices:
        return f"This must be {_describe(field.choices)}; {value!r} is not allowed."
    return None


def answer_key(number: int) -> str:
    return f"answers.{number}"


def _is_int(value: object) -> bool:
    # bool is a subclass of int; True must not pass as 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _same_answer(raw: object, expected: int | bool) -> bool:
    return type(raw) is type(expected) and raw == expected


def _describe(values: Sequence[object]) -> str:
    shown = [str(value) for value in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _merge(errors: Errors, more: Errors) -> None:
    for key, messages in more.items():
        for message in messages:
            _add(errors, key, message)
