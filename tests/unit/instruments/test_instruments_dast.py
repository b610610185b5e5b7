"""DAST-10: the reversed item 3 and band edges."""

from __future__ import annotations

import pytest

from shared.instruments import get_instrument

DAST10 = get_instrument("dast10")
ALWAYS_ABLE_TO_STOP = 3

DAST_EDGES = [
    (0, "none"), (1, "low"), (2, "low"), (3, "moderate"), (5, "moderate"), (6, "substantial"), (8, "substantial"),
    (9, "severe"), (10, "severe"),
]  # fmt: skip


def dast_answers(scoring: int) -> list[bool]:
    """Answers where exactly `scoring` items score a point; item 3 scores on NO, so it flips last."""
    answers = [number == ALWAYS_ABLE_TO_STOP for number in range(1, 11)]  # nothing scores yet
    order = [n for n in range(1, 11) if n != ALWAYS_ABLE_TO_STOP] + [ALWAYS_ABLE_TO_STOP]
    for number in order[:scoring]:
        answers[number - 1] = not answers[number - 1]
    return answers


def points(answers: list[bool]) -> int:
    """The reference's rule: 1 for YES, except item 3, where NO scores 1."""
    return sum(
        (not answer) if number == ALWAYS_ABLE_TO_STOP else answer for number, answer in enumerate(answers, start=1)
    )


@pytest.mark.parametrize(("total", "band"), DAST_EDGES)
def test_dast10_band_edges(total, band):
    answers = dast_answers(total)
    assert points(answers) == total
    result = DAST10.score(answers)
    assert result.total == total
    assert result.severity == band
    assert result.positive is (total >= 3)


def test_dast10_all_no_scores_one_because_item_3_is_reversed():
    result = DAST10.score([False] * 10)
    assert result.total == 1
    assert result.severity == "low"


def test_dast10_all_yes_scores_nine():
    assert DAST10.score([True] * 10).total == 9


def test_dast10_item3_is_the_only_reversed_item():
    assert [item.number for item in DAST10.items if item.reversed] == [ALWAYS_ABLE_TO_STOP]
    assert "always able to stop" in DAST10.items[ALWAYS_ABLE_TO_STOP - 1].text


@pytest.mark.parametrize("bad", [0, 1, "yes", None])
def test_dast10_yes_no_items_reject_numbers_and_text(errors, bad):
    answers: list[object] = [False] * 10
    answers[4] = bad
    assert list(errors(DAST10, answers)) == ["answers.5"]
