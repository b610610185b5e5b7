"""Reliable-change rules in the instrument library: fixed points where a standard names them,
the Jacobson–Truax index from a recorded SD and reliability otherwise, nothing guessed."""

from __future__ import annotations

import math

import pytest

from shared.instruments import INSTRUMENTS
from shared.instruments.change import RELIABLE_CHANGE, FixedPoints, JacobsonTruax, reliable_change


@pytest.mark.parametrize(
    ("code", "baseline", "latest", "expected"),
    [
        ("phq9", 15, 10, "none"),
        ("phq9", 15, 9, "improved"),
        ("phq9", 10, 15, "none"),
        ("phq9", 10, 16, "deteriorated"),
        ("gad7", 12, 9, "none"),
        ("gad7", 12, 8, "improved"),
        ("gad7", 8, 11, "none"),
        ("gad7", 8, 12, "deteriorated"),
    ],
)
def test_nhs_talking_therapies_thresholds(code, baseline, latest, expected):
    assert reliable_change(code, baseline, latest) == expected


def test_the_nhs_thresholds_are_6_and_4_points():
    assert RELIABLE_CHANGE["phq9"] == FixedPoints(6, RELIABLE_CHANGE["phq9"].source)
    assert RELIABLE_CHANGE["gad7"] == FixedPoints(4, RELIABLE_CHANGE["gad7"].source)


def test_jacobson_truax_index_follows_the_formula():
    rule = JacobsonTruax(sd=5.0, reliability=0.84, source="worked example")
    assert rule.s_diff == pytest.approx(5.0 * math.sqrt(2) * 0.4)  # √(1 − .84) = 0.4
    assert rule.index(-6) == pytest.approx(-2.1213, abs=1e-4)
    assert rule.is_reliable(-6) and rule.is_reliable(6)
    assert not rule.is_reliable(5)  # |RC| 1.77 is not above 1.96


def test_pcl5_uses_its_recorded_sd_and_reliability():
    rule = RELIABLE_CHANGE["pcl5"]
    assert isinstance(rule, JacobsonTruax) and (rule.sd, rule.reliability) == (12.40, 0.82)
    # 1.96 × S_diff ≈ 14.58: 14 points are within measurement error, 15 are not.
    assert reliable_change("pcl5", 50, 36) == "none"
    assert reliable_change("pcl5", 50, 35) == "improved"
    assert reliable_change("pcl5", 30, 44) == "none"
    assert reliable_change("pcl5", 30, 45) == "deteriorated"


def test_without_a_recorded_rule_there_is_no_classification():
    assert reliable_change("audit", 20, 2) is None
    assert reliable_change("dast10", 2, 9) is None


def test_every_rule_names_a_known_instrument_and_its_source():
    for code, rule in RELIABLE_CHANGE.items():
        assert code in INSTRUMENTS and rule.source.strip()
