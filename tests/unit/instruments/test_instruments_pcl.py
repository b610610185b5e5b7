"""PCL-5: cut-off (and its override), DSM-5 cluster rule and cluster severities."""

from __future__ import annotations

import pytest

from shared.instruments import PCL5_DEFAULT_CUTOFF, get_instrument

PCL5 = get_instrument("pcl5")
CLUSTERS = {"B": range(1, 6), "C": range(6, 8), "D": range(8, 15), "E": range(15, 21)}


def pcl_answers(ratings: dict[int, int]) -> list[int]:
    answers = [0] * 20
    for number, rating in ratings.items():
        answers[number - 1] = rating
    return answers


# The fewest items at 2 that meet the rule: 1 in B, 1 in C, 2 in D, 2 in E.
JUST_MEETS = {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}


@pytest.mark.parametrize(("total", "positive"), [(0, False), (32, False), (33, True), (80, True)])
def test_pcl5_default_cutoff_is_33(totalling, total, positive):
    result = PCL5.score(totalling(PCL5, total))
    assert PCL5_DEFAULT_CUTOFF == 33
    assert result.total == total
    assert result.positive is positive
    assert ("provisional_ptsd" in result.flags) is positive
    assert result.details["cutoff"] == 33
    assert result.severity is None  # no official bands


def test_pcl5_cutoff_override(totalling):
    answers = totalling(PCL5, 31)
    assert PCL5.score(answers).positive is False
    overridden = PCL5.score(answers, cutoffs={"pcl5": 31})
    assert overridden.positive is True
    assert overridden.details["cutoff"] == 31
    assert PCL5.score(totalling(PCL5, 30), cutoffs={"pcl5": 31}).positive is False


def test_pcl5_ignores_cutoffs_of_other_instruments(totalling):
    assert PCL5.score(totalling(PCL5, 32), cutoffs={"phq2": 2}).details["cutoff"] == 33


@pytest.mark.parametrize("bad", [0, 81, True, 31.5, "31"])
def test_pcl5_rejects_impossible_cutoffs(bad):
    with pytest.raises(ValueError):
        PCL5.score([0] * 20, cutoffs={"pcl5": bad})


def test_pcl5_dsm5_rule_met_with_fewest_items():
    result = PCL5.score(pcl_answers(JUST_MEETS))
    assert result.details["dsm5_criteria_met"] is True
    assert result.positive is False  # total 12: the rule and the cut-off are independent


@pytest.mark.parametrize("dropped", sorted(JUST_MEETS))
def test_pcl5_dsm5_rule_fails_when_any_cluster_is_one_item_short(dropped):
    ratings = {number: rating for number, rating in JUST_MEETS.items() if number != dropped}
    assert PCL5.score(pcl_answers(ratings)).details["dsm5_criteria_met"] is False


def test_pcl5_items_rated_one_do_not_count_towards_the_rule():
    result = PCL5.score([1] * 20)
    assert result.details["dsm5_criteria_met"] is False


def test_pcl5_cluster_severities_are_sums():
    answers = [(number % 5) for number in range(1, 21)]
    expected = {name: sum(answers[n - 1] for n in numbers) for name, numbers in CLUSTERS.items()}
    result = PCL5.score(answers)
    assert result.details["clusters"] == expected
    assert sum(expected.values()) == result.total == sum(answers)


def test_pcl5_has_no_hard_coded_loinc_codes():
    assert PCL5.loinc_panel is None and PCL5.loinc_total is None
    assert all(item.loinc is None for item in PCL5.items)
