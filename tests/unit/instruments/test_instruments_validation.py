"""Incomplete, out-of-range and wrong-type answers: one error per bad item, never a total."""

from __future__ import annotations

import pytest

from shared.instruments import INSTRUMENTS, InvalidAnswers, get_instrument

PHQ9 = get_instrument("phq9")


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_short_list_names_each_missing_item(blank, extras_for, errors, code):
    instrument = get_instrument(code)
    answers = blank(instrument)[:1]
    expected = [f"answers.{number}" for number in range(2, len(instrument.items) + 1)]
    if code == "cssrs_screen":
        expected = ["answers.2", "answers.6"]  # 3–5 depend on question 2, which is itself missing
    if code == "audit":
        expected = ["answers.9", "answers.10"]  # question 1 at 0 (never) skips 2–8
    assert list(errors(instrument, answers, extras_for(instrument))) == expected


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_extra_answers_are_errors_too(blank, extras_for, errors, code):
    instrument = get_instrument(code)
    answers = blank(instrument) + [0, 0]
    count = len(instrument.items)
    assert list(errors(instrument, answers, extras_for(instrument))) == [f"answers.{count + 1}", f"answers.{count + 2}"]


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_empty_list_is_incomplete(errors, extras_for, code):
    instrument = get_instrument(code)
    assert errors(instrument, [], extras_for(instrument))


def test_every_bad_item_is_reported_not_only_the_first(errors):
    answers = [0, None, 4, True, -1, 2.0, "1", 0, 0]
    found = errors(PHQ9, answers)
    assert list(found) == ["answers.2", "answers.3", "answers.4", "answers.5", "answers.6", "answers.7"]
    assert all(len(messages) == 1 and messages[0].startswith(f"Question {key[8:]}") for key, messages in found.items())


@pytest.mark.parametrize("bool_value", [True, False])
def test_bool_is_not_accepted_as_a_number(errors, bool_value):
    assert list(errors(PHQ9, [bool_value] + [0] * 8)) == ["answers.1"]


def test_answers_and_extras_errors_are_collected_together(errors):
    found = errors(PHQ9, [0] * 8, {"difficulty": 9, "difficult": 1})
    assert set(found) == {"answers.9", "difficulty", "difficult"}


@pytest.mark.parametrize("not_a_list", [None, "000000000", {"1": 0}, 7])
def test_answers_must_be_a_list(errors, not_a_list):
    assert list(errors(PHQ9, not_a_list)) == ["answers"]


def test_extras_must_be_a_mapping(errors):
    assert list(errors(PHQ9, [0] * 9, [("difficulty", 1)])) == ["extras"]


def test_tuple_answers_are_accepted():
    assert PHQ9.score(tuple([1] * 9)).total == 9


def test_invalid_answers_is_a_value_error_with_a_readable_message():
    with pytest.raises(ValueError) as caught:
        PHQ9.score([0] * 8)
    assert isinstance(caught.value, InvalidAnswers)
    assert "answers.9" in str(caught.value)
