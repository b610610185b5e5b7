"""GAD-7 and GAD-2: band edges and cut-offs."""

from __future__ import annotations

import pytest

from shared.instruments import get_instrument

GAD7 = get_instrument("gad7")
GAD2 = get_instrument("gad2")

GAD7_EDGES = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "severe"), (21, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), GAD7_EDGES)
def test_gad7_band_edges(totalling, total, band):
    result = GAD7.score(totalling(GAD7, total))
    assert result.total == total
    assert result.severity == band
    assert result.positive is (total >= 10)


def test_gad7_has_no_extra_fields_and_no_flags(totalling):
    assert GAD7.extra_fields == ()
    assert GAD7.score(totalling(GAD7, 21)).flags == ()


def test_gad7_items_six_and_seven_are_irritable_then_afraid():
    assert "irritable" in GAD7.items[5].text
    assert "afraid" in GAD7.items[6].text


def test_gad2_is_gad7_items_one_and_two():
    assert GAD2.items == GAD7.items[:2]


@pytest.mark.parametrize(("answers", "positive"), [([2, 0], False), ([1, 1], False), ([2, 1], True), ([3, 3], True)])
def test_gad2_positive_at_three(answers, positive):
    result = GAD2.score(answers)
    assert result.total == sum(answers)
    assert result.positive is positive


def test_gad2_cutoff_is_not_a_setting():
    with pytest.raises(ValueError):
        GAD2.score([1, 1], cutoffs={"gad2": 2})
