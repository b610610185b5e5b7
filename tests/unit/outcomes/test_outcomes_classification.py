"""Per-instrument change and the NHS Talking Therapies classification, at every threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.outcomes.domain.classification import (
    RULE_SET,
    instrument_outcome,
    nhs_outcome,
    outcomes_of,
    scored_series,
)
from services.outcomes.domain.measure import Measure

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def measure(instrument: str, total: int | None, week: int = 0, **more) -> Measure:
    return Measure(
        measure_id=f"{instrument}-{week}",
        client_id="client-1",
        instrument=instrument,
        version="1.0",
        total=total,
        severity=None,
        positive=False,
        administered_at=START + timedelta(weeks=week),
        **more,
    )


def series(instrument: str, *totals: int) -> list[Measure]:
    return [measure(instrument, total, week) for week, total in enumerate(totals)]


def nhs(phq9: tuple[int, ...] = (), gad7: tuple[int, ...] = (), attended: int = 2):
    return nhs_outcome(scored_series([*series("phq9", *phq9), *series("gad7", *gad7)]), attended)


# -- reliable change ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("instrument", "baseline", "latest", "expected"),
    [
        ("phq9", 15, 10, "none"),  # a fall of 5: one below the 6 points
        ("phq9", 15, 9, "improved"),  # exactly 6
        ("phq9", 15, 8, "improved"),
        ("phq9", 10, 15, "none"),
        ("phq9", 10, 16, "deteriorated"),
        ("phq9", 10, 17, "deteriorated"),
        ("gad7", 12, 9, "none"),  # 3: one below the 4 points
        ("gad7", 12, 8, "improved"),
        ("gad7", 12, 7, "improved"),
        ("gad7", 8, 11, "none"),
        ("gad7", 8, 12, "deteriorated"),
        ("gad7", 8, 13, "deteriorated"),
        ("phq9", 12, 12, "none"),
    ],
)
def test_reliable_change_on_the_nhs_thresholds(instrument, baseline, latest, expected):
    outcome = instrument_outcome(instrument, series(instrument, baseline, latest))
    assert outcome.reliable_change == expected
    assert outcome.change == latest - baseline


def test_an_instrument_without_a_recorded_rule_has_no_reliable_change_classification():
    outcome = instrument_outcome("audit", series("audit", 20, 2))
    assert (outcome.change, outcome.reliable_change) == (-18, None)


# -- PHQ-9 response and remission ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("baseline", "latest", "response"),
    [(20, 11, False), (20, 10, True), (20, 9, True), (15, 8, False), (15, 7, True)],
)
def test_response_is_a_fall_of_at_least_half_the_baseline(baseline, latest, response):
    assert instrument_outcome("phq9", series("phq9", baseline, latest)).response is response


@pytest.mark.parametrize(("latest", "remission"), [(4, True), (5, False), (6, False)])
def test_remission_is_a_phq9_below_5(latest, remission):
    assert instrument_outcome("phq9", series("phq9", 16, latest)).remission is remission


def test_response_and_remission_are_for_the_phq9_only():
    outcome = instrument_outcome("gad7", series("gad7", 16, 2))
    assert (outcome.response, outcome.remission) == (None, None)


def test_percent_change_is_rounded_and_absent_from_a_baseline_of_zero():
    assert instrument_outcome("phq9", series("phq9", 20, 10)).percent_change == -50.0
    assert instrument_outcome("phq9", series("phq9", 15, 8)).percent_change == -46.7
    zero = instrument_outcome("phq9", series("phq9", 0, 3))
    assert (zero.percent_change, zero.response, zero.change) == (None, None, 3)


def test_a_series_of_three_or_more_compares_the_latest_with_the_first():
    measures = series("phq9", 18, 20, 14, 11)
    outcome = instrument_outcome("phq9", scored_series(reversed(measures))["phq9"])
    assert [m.total for m in outcome.series] == [18, 20, 14, 11]  # oldest first, whatever the order given
    assert (outcome.baseline, outcome.latest, outcome.change) == (18, 11, -7)
    assert outcome.reliable_change == "improved"
    assert outcome.response is False  # 7 of 18 is less than half


def test_a_single_score_compares_nothing():
    outcome = instrument_outcome("phq9", series("phq9", 3))
    assert (outcome.baseline, outcome.latest) == (3, 3)
    assert (outcome.change, outcome.percent_change, outcome.reliable_change) == (None, None, None)
    assert (outcome.response, outcome.remission) == (None, None)


def test_measures_without_a_total_have_no_series():
    assert scored_series([measure("cssrs_screen", None), measure("phq9", 12)]).keys() == {"phq9"}


# -- NHS Talking Therapies ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phq9", "gad7", "at_start"),
    [
        ((9, 9), (7, 7), False),  # both just below
        ((10, 10), (7, 7), True),  # PHQ-9 at 10
        ((11, 11), (7, 7), True),
        ((9, 9), (8, 8), True),  # GAD-7 at 8 (not the screening cut-off of 10)
        ((9, 9), (9, 9), True),
    ],
)
def test_caseness_at_start(phq9, gad7, at_start):
    assert nhs(phq9, gad7).caseness_at_start is at_start


def test_recovered_and_reliable_recovery_are_null_when_not_at_caseness_at_the_start():
    result = nhs((9, 3), (7, 2))
    assert result.caseness_at_start is False
    assert (result.recovered, result.reliable_recovery) == (None, None)
    assert result.reliable_improvement is True  # PHQ-9 fell 6: still counted


def test_recovery_with_reliable_improvement_is_reliable_recovery():
    result = nhs((15, 9), (12, 7))
    assert (result.caseness_at_start, result.caseness_at_end) == (True, False)
    assert (result.recovered, result.reliable_improvement, result.reliable_recovery) == (True, True, True)


def test_recovery_without_reliable_improvement_is_not_reliable_recovery():
    result = nhs((10, 9), (8, 7))  # just below both cut-offs at the end, each only 1 point lower
    assert (result.recovered, result.reliable_improvement, result.reliable_recovery) == (True, False, False)


@pytest.mark.parametrize(("gad7_end", "recovered"), [(7, True), (8, False), (9, False)])
def test_recovery_needs_both_measures_below_their_cut_offs_at_the_end(gad7_end, recovered):
    assert nhs((16, 4), (12, gad7_end)).recovered is recovered


def test_one_measure_improving_reliably_while_the_other_deteriorates_reliably_is_neither():
    result = nhs((16, 10), (6, 10))  # PHQ-9 −6, GAD-7 +4
    assert (result.reliable_improvement, result.reliable_deterioration) == (False, False)
    assert result.reliable_recovery is False
    assert result.recovered is False  # GAD-7 10 is at caseness at the end


@pytest.mark.parametrize(
    ("phq9", "gad7", "improvement", "deterioration"),
    [
        ((16, 11), (10, 10), False, False),  # PHQ-9 −5: just short
        ((16, 10), (10, 10), True, False),  # PHQ-9 −6
        ((16, 10), (10, 13), True, False),  # GAD-7 +3 is not a reliable rise
        ((10, 10), (12, 9), False, False),  # GAD-7 −3: just short
        ((10, 10), (12, 8), True, False),  # GAD-7 −4
        ((10, 15), (10, 10), False, False),  # PHQ-9 +5
        ((10, 16), (10, 10), False, True),  # PHQ-9 +6
        ((10, 10), (10, 14), False, True),  # GAD-7 +4
        ((10, 16), (10, 7), False, True),  # GAD-7 −3 is no reliable improvement
    ],
)
def test_paired_reliable_improvement_and_deterioration(phq9, gad7, improvement, deterioration):
    result = nhs(phq9, gad7)
    assert (result.reliable_improvement, result.reliable_deterioration) == (improvement, deterioration)


@pytest.mark.parametrize(("attended", "finished"), [(1, False), (2, True), (3, True)])
def test_a_finished_course_needs_two_attended_sessions(attended, finished):
    assert nhs((14, 8), (9, 6), attended=attended).finished_course is finished


def test_a_course_without_a_second_score_is_not_finished_and_not_yet_judged():
    result = nhs((14,), (9,), attended=6)
    assert (result.caseness_at_start, result.finished_course) == (True, False)
    assert (result.caseness_at_end, result.recovered, result.reliable_improvement) == (None, None, None)


def test_series_of_three_use_the_first_and_last_scores():
    result = nhs((15, 20, 12, 8), (12, 14, 9, 7))
    assert (result.recovered, result.reliable_improvement, result.reliable_recovery) == (True, True, True)


def test_without_phq9_or_gad7_the_nhs_block_is_empty():
    result = nhs_outcome(scored_series(series("audit", 20, 10)), attended_sessions=4)
    assert result.caseness_at_start is None and result.recovered is None and result.finished_course is False


def test_outcomes_name_the_rule_set_and_cover_every_scored_instrument():
    result = outcomes_of([*series("phq9", 14, 8), *series("gad7", 10, 6), measure("cssrs_screen", None)], 3)
    assert result.rule_set == RULE_SET == "nhs-talking-therapies+jacobson-truax/v1"
    assert set(result.instruments) == {"phq9", "gad7"}
    assert result.nhs.finished_course is True and result.nhs.reliable_recovery is True
