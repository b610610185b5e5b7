"""PHQ-9 and PHQ-2: band edges, cut-offs, item 9, item 10 and the PHQ-2 setting."""

from __future__ import annotations

import pytest

from shared.instruments import PHQ2_DEFAULT_CUTOFF, get_instrument

PHQ9 = get_instrument("phq9")
PHQ2 = get_instrument("phq2")

# From the clinical reference, section 2.
PHQ9_EDGES = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), PHQ9_EDGES)
def test_phq9_band_edges(totalling, total, band):
    result = PHQ9.score(totalling(PHQ9, total))
    assert result.total == total
    assert result.severity == band
    assert result.positive is (total >= 10)


def test_phq9_positive_starts_at_ten(totalling):
    assert PHQ9.score(totalling(PHQ9, 9)).positive is False
    assert PHQ9.score(totalling(PHQ9, 10)).positive is True


def test_phq9_difficulty_is_stored_but_never_added():
    result = PHQ9.score([0] * 9, {"difficulty": 3})
    assert result.total == 0
    assert result.details["difficulty"] == 3


def test_phq9_difficulty_is_optional():
    assert PHQ9.score([1] * 9).details["difficulty"] is None


@pytest.mark.parametrize("bad", [4, -1, True, "2"])
def test_phq9_difficulty_out_of_range_or_wrong_type(errors, bad):
    assert list(errors(PHQ9, [0] * 9, {"difficulty": bad})) == ["difficulty"]


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_any_item9_answer_above_zero_flags_ideation_whatever_the_total(item9):
    answers = [0] * 8 + [item9]
    result = PHQ9.score(answers)
    assert "suicidal_ideation" in result.flags
    assert result.details["item9"] == item9
    assert result.severity == "minimal"  # the flag does not depend on the total


def test_phq9_item9_zero_raises_no_flag_even_at_severe_total():
    result = PHQ9.score([3] * 8 + [0])
    assert result.severity == "severe"
    assert result.flags == ()


def test_phq9_item9_is_the_only_critical_item():
    assert [item.number for item in PHQ9.items if item.critical] == [9]


def test_phq9_answer_options_carry_their_scores_and_labels():
    options = PHQ9.items[0].options
    assert [o.value for o in options] == [0, 1, 2, 3]
    assert [o.label for o in options] == ["Not at all", "Several days", "More than half the days", "Nearly every day"]


def test_phq2_is_phq9_items_one_and_two():
    assert PHQ2.items == PHQ9.items[:2]


@pytest.mark.parametrize(("answers", "positive"), [([1, 1], False), ([2, 1], True), ([0, 0], False), ([3, 3], True)])
def test_phq2_default_cutoff_is_three(answers, positive):
    result = PHQ2.score(answers)
    assert PHQ2_DEFAULT_CUTOFF == 3
    assert result.total == sum(answers)
    assert result.positive is positive
    assert result.details["cutoff"] == 3


def test_phq2_cutoff_can_be_lowered_to_two():
    assert PHQ2.score([1, 1], cutoffs={"phq2": 2}).positive is True
    assert PHQ2.score([1, 0], cutoffs={"phq2": 2}).positive is False
    assert PHQ2.score([1, 1], cutoffs={"phq2": 2}).details["cutoff"] == 2
