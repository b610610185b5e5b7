"""C-SSRS screener: skip logic, q6 timing, every risk level and the flags."""

from __future__ import annotations

import pytest

from shared.instruments import get_instrument

CSSRS = get_instrument("cssrs_screen")
NO_THOUGHTS_Q3_TO_5_SKIPPED = [False, False, None, None, None, False]


@pytest.mark.parametrize(
    ("answers", "recent", "level"),
    [
        ([False, False, None, None, None, False], None, "none"),
        ([False, False, False, False, False, False], None, "none"),
        ([True, False, None, None, None, False], None, "low"),
        ([False, True, False, False, False, False], None, "low"),
        ([True, True, False, False, False, False], None, "low"),
        ([True, True, True, False, False, False], None, "moderate"),
        ([False, False, None, None, None, True], False, "moderate"),
        ([True, True, False, True, False, False], None, "high"),
        ([True, True, False, False, True, False], None, "high"),
        ([False, False, None, None, None, True], True, "high"),
        ([True, True, True, False, False, True], False, "moderate"),
    ],
)
def test_cssrs_risk_levels(answers, recent, level):
    extras = {} if recent is None else {"q6_recent": recent}
    result = CSSRS.score(answers, extras)
    assert result.risk_level == level
    assert result.severity == level
    assert result.positive is (level in ("moderate", "high"))
    assert result.total is None


@pytest.mark.parametrize(
    ("answers", "recent", "flags"),
    [
        ([False, False, None, None, None, False], None, ()),
        ([True, False, None, None, None, False], None, ("suicidal_ideation",)),
        ([False, False, None, None, None, True], False, ("suicidal_behavior",)),
        ([False, True, True, True, True, True], True, ("suicidal_ideation", "suicidal_behavior")),
    ],
)
def test_cssrs_flags(answers, recent, flags):
    extras = {} if recent is None else {"q6_recent": recent}
    assert CSSRS.score(answers, extras).flags == flags


@pytest.mark.parametrize("skipped", [3, 4, 5])
def test_cssrs_yes_to_a_skipped_question_is_an_error(errors, skipped):
    answers = list(NO_THOUGHTS_Q3_TO_5_SKIPPED)
    answers[skipped - 1] = True
    found = errors(CSSRS, answers)
    assert list(found) == [f"answers.{skipped}"]
    assert "skipped because question 2 was answered no" in found[f"answers.{skipped}"][0]


def test_cssrs_questions_3_to_5_required_when_question_2_is_yes(errors):
    assert list(errors(CSSRS, [True, True, None, None, None, False])) == ["answers.3", "answers.4", "answers.5"]


def test_cssrs_questions_1_2_and_6_always_required(errors):
    assert list(errors(CSSRS, [None, None, None, None, None, None])) == ["answers.1", "answers.2", "answers.6"]


def test_cssrs_q6_recent_required_when_q6_is_yes(errors):
    assert list(errors(CSSRS, [False, False, None, None, None, True])) == ["q6_recent"]


def test_cssrs_q6_recent_cannot_be_yes_when_q6_is_no(errors):
    assert list(errors(CSSRS, NO_THOUGHTS_Q3_TO_5_SKIPPED, {"q6_recent": True})) == ["q6_recent"]


def test_cssrs_q6_recent_must_be_boolean(errors):
    assert list(errors(CSSRS, [False, False, None, None, None, True], {"q6_recent": 1})) == ["q6_recent"]


def test_cssrs_has_no_total_range():
    assert CSSRS.min_total is None and CSSRS.max_total is None
