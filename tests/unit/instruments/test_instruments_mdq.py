"""MDQ: positive only when all three parts hold; each part failing alone makes it negative."""

from __future__ import annotations

import pytest

from shared.instruments import get_instrument

MDQ = get_instrument("mdq")


def yes_answers(count: int) -> list[bool]:
    return [number <= count for number in range(1, 14)]


@pytest.mark.parametrize(
    ("yes", "same_period", "problem", "positive"),
    [
        (7, True, "moderate", True),
        (13, True, "serious", True),
        (6, True, "moderate", False),  # too few symptoms
        (7, False, "serious", False),  # not in the same period
        (7, True, "minor", False),  # not enough of a problem
        (13, True, "none", False),
    ],
)
def test_mdq_three_part_rule(yes, same_period, problem, positive):
    result = MDQ.score(yes_answers(yes), {"same_period": same_period, "problem_level": problem})
    assert result.total == yes
    assert result.positive is positive
    assert result.details == {"yes_count": yes, "same_period": same_period, "problem_level": problem}


def test_mdq_both_extras_are_required(errors):
    assert sorted(errors(MDQ, yes_answers(7))) == ["problem_level", "same_period"]


@pytest.mark.parametrize(("field", "bad"), [("same_period", "yes"), ("problem_level", "severe"), ("problem_level", 2)])
def test_mdq_extras_reject_unknown_values(errors, field, bad):
    extras = {"same_period": True, "problem_level": "moderate", field: bad}
    assert list(errors(MDQ, yes_answers(7), extras)) == [field]
