"""Helpers shared by the instrument tests, offered as fixtures so no package is needed."""

from __future__ import annotations

import pytest

from shared.instruments import Instrument, InvalidAnswers


def answers_totalling(instrument: Instrument, total: int) -> list[int]:
    """Scale answers in item order that add up to `total`, filling early items first."""
    remaining = total
    answers = []
    for item in instrument.items:
        value = max(v for v in item.allowed_values if v <= remaining)
        answers.append(value)
        remaining -= value
    if remaining:
        raise ValueError(f"{instrument.code} cannot reach {total} this way")
    assert sum(answers) == total
    return answers


def blank_answers(instrument: Instrument) -> list[object]:
    """Every item at its 'adds nothing' answer: 0 for scales, False for yes/no."""
    return [False if item.kind == "boolean" else 0 for item in instrument.items]


def minimal_extras(instrument: Instrument) -> dict[str, object]:
    """The first choice of every always-required extra field."""
    return {field.name: field.choices[0] for field in instrument.extra_fields if field.required == "always"}


def errors_for(instrument: Instrument, answers: object, extras: object = None) -> dict[str, list[str]]:
    with pytest.raises(InvalidAnswers) as caught:
        instrument.score(answers, extras)  # type: ignore[arg-type]
    return caught.value.errors


@pytest.fixture
def totalling():
    return answers_totalling


@pytest.fixture
def blank():
    return blank_answers


@pytest.fixture
def extras_for():
    return minimal_extras


@pytest.fixture
def errors():
    return errors_for
