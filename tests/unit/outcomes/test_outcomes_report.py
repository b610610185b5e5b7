"""Program report figures from course summaries: rates from known inputs, small cells withheld at
exactly the threshold, the one more withheld beside a lone small cell, ops' de-identified view."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.outcomes.domain.measure import Measure
from services.outcomes.domain.report import (
    CLINICIAN,
    MONTH,
    PROBLEM_AREA,
    PROGRAM,
    CourseSummary,
    clients_per_program,
    deidentified,
    program_report,
    summarise,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def course(n: int, **changes) -> CourseSummary:
    """A finished course at caseness that recovered with a reliable improvement (override to vary)."""
    base = CourseSummary(
        episode_id=f"episode-{n}",
        client_id=f"client-{n}",
        program="mental_health",
        clinician_id="dr-a",
        problem_area="grief",
        counted_on=T0,
        closed=True,
        finished_course=True,
        caseness_at_start=True,
        recovered=True,
        reliable_improvement=True,
        reliable_deterioration=False,
        reliable_recovery=True,
        phq9_caseness_at_start=True,
        response=True,
        remission=False,
        changes={"phq9": -10, "gad7": -6},
    )
    return replace(base, **changes)


def courses(count: int, start: int = 0, **changes) -> list[CourseSummary]:
    return [course(n, **changes) for n in range(start, start + count)]


def by_group(report) -> dict:
    return {cell.group: cell for cell in report.groups}


def test_a_cell_of_four_clients_is_suppressed_and_one_of_five_is_shown():
    report = program_report(
        [*courses(4, program="substance_use"), *courses(5, start=10), *courses(4, start=20, program="co_occurring")],
        PROGRAM,
    )
    cells = by_group(report)
    assert [cell.group for cell in report.groups] == ["mental_health", "substance_use", "co_occurring"]
    assert cells["substance_use"].suppressed and cells["co_occurring"].suppressed
    for small in (cells["substance_use"], cells["co_occurring"]):
        assert (small.clients, small.courses, small.recovery_rate, small.mean_change, small.substance_use) == (
            None,
            None,
            None,
            None,
            None,
        )
    shown = cells["mental_health"]
    assert (shown.suppressed, shown.clients, shown.courses, shown.finished_courses) == (False, 5, 5, 5)
    assert (report.total.suppressed, report.total.clients) == (False, 13)


def test_clients_not_courses_decide_suppression():
    # Five courses of four clients (one client came back) are still four clients.
    report = program_report([*courses(4), course(0, episode_id="episode-0-again")], PROGRAM)
    assert report.total.suppressed and report.total.clients is None


def test_rates_follow_the_nhs_talking_therapies_denominators():
    finished = [
        *courses(2),  # recovered, reliable improvement
        course(2, recovered=False, reliable_recovery=False, response=False, changes={"phq9": -2, "gad7": 0}),
        course(  # not at caseness at the start: out of the recovery rate, in the improvement rate
            3,
            caseness_at_start=False,
            recovered=None,
            reliable_recovery=None,
            reliable_improvement=False,
            phq9_caseness_at_start=False,
            response=None,
            remission=True,
            changes={"phq9": -1, "gad7": -1},
        ),
        course(
            4,
            recovered=False,
            reliable_improvement=False,
            reliable_deterioration=True,
            reliable_recovery=False,
            response=False,
            changes={"phq9": 7, "gad7": 1},
        ),
    ]
    unfinished = course(5, finished_course=False, recovered=None, reliable_improvement=None, changes={"phq9": -20})
    cell = program_report([*finished, unfinished], PROGRAM).total
    assert (cell.clients, cell.courses, cell.finished_courses) == (6, 6, 5)
    assert cell.recovery_rate == 50.0  # 2 of the 4 finished at caseness
    assert cell.reliable_recovery_rate == 50.0
    assert cell.reliable_improvement_rate == 60.0  # 3 of 5 finished (the third improved, still a case)
    assert cell.reliable_deterioration_rate == 20.0  # 1 of 5
    assert cell.response_rate == 50.0  # 2 of the 4 finished starting at PHQ-9 caseness
    assert cell.remission_rate == 0.0  # the remitted one started below caseness
    assert cell.mean_change == {"phq9": -3.2, "gad7": -2.4}  # (-10-10-2-1+7)/5, (-6-6+0-1+1)/5


def test_a_rate_with_nobody_to_count_is_null_not_suppressed():
    cell = program_report(courses(5, finished_course=False), PROGRAM).total
    assert not cell.suppressed and cell.finished_courses == 0
    assert (cell.recovery_rate, cell.reliable_improvement_rate, cell.mean_change) == (
        None,
        None,
        {"phq9": None, "gad7": None},
    )


def test_audit_and_dast10_change_beside_substance_use_programs_only():
    substance = courses(5, program="substance_use", changes={"phq9": -6, "audit": -8, "dast10": -2})
    substance[0] = replace(substance[0], changes={"phq9": -6, "audit": -4})  # no second DAST-10
    mental = courses(5, start=10, changes={"phq9": -6, "audit": -30})
    cells = by_group(program_report([*substance, *mental], PROGRAM))
    assert cells["mental_health"].substance_use is None
    block = cells["substance_use"].substance_use
    assert (block.suppressed, block.clients) == (False, 5)
    assert (block.audit.courses, block.audit.mean_change) == (5, -7.2)
    assert (block.dast10.courses, block.dast10.mean_change) == (4, -2.0)


def test_a_substance_use_block_of_four_clients_is_withheld_inside_a_shown_cell():
    summaries = [*courses(4, program="co_occurring", changes={"audit": -5}), *courses(3, start=10)]
    cell = program_report(summaries, CLINICIAN).total
    assert not cell.suppressed and cell.clients == 7
    assert (cell.substance_use.suppressed, cell.substance_use.clients, cell.substance_use.audit) == (True, None, None)


def test_one_small_cell_beside_a_shown_total_takes_the_smallest_other_with_it():
    # Total minus the shown groups would give the small one away, so the smallest shown goes too.
    summaries = [
        *courses(9),
        *courses(6, start=10, program="substance_use"),
        *courses(2, start=20, program="co_occurring"),
    ]
    cells = by_group(program_report(summaries, PROGRAM))
    assert cells["co_occurring"].suppressed
    assert cells["substance_use"].suppressed and cells["substance_use"].clients is None
    assert not cells["mental_health"].suppressed and cells["mental_health"].clients == 9


def test_two_small_cells_need_nothing_more_withheld():
    summaries = [*courses(9), *courses(6, start=10, program="substance_use", problem_area="role_dispute")]
    summaries += [
        course(20, problem_area="role_transition"),
        course(21, problem_area=None),
    ]
    report = program_report(summaries, PROBLEM_AREA)
    assert [cell.group for cell in report.groups] == ["grief", "role_dispute", "role_transition", None]
    assert [cell.suppressed for cell in report.groups] == [False, False, True, True]


def test_by_month_counts_each_course_in_the_month_it_counts_in():
    march, april = courses(5), courses(5, start=10, counted_on=T0 + timedelta(days=31))
    report = program_report([*march, *april], MONTH)
    assert [(cell.group, cell.clients) for cell in report.groups] == [("2026-03", 5), ("2026-04", 5)]


def test_ops_see_clinicians_numbered_not_named():
    summaries = [
        *courses(5, clinician_id="dr-zed"),
        *courses(7, start=10, clinician_id="dr-amy"),
        *courses(2, start=20, clinician_id="dr-bo"),
        *courses(1, start=30, clinician_id="dr-cy"),
        *courses(1, start=40, clinician_id=None),
    ]
    report = program_report(summaries, CLINICIAN)
    assert [cell.group for cell in report.groups] == ["dr-amy", "dr-bo", "dr-cy", "dr-zed", None]
    ops = deidentified(report)
    assert [(cell.group, cell.clients) for cell in ops.groups] == [
        ("clinician-1", 7),
        ("clinician-2", 5),
        ("clinician-3", None),
        ("clinician-4", None),
        (None, None),
    ]
    assert "dr-" not in repr(ops)
    assert ops.total == report.total
    assert deidentified(program_report(summaries, PROGRAM)) == program_report(summaries, PROGRAM)


def test_registered_clients_per_program_withhold_small_counts():
    assert clients_per_program({"mental_health": 12, "substance_use": 5, "co_occurring": 4}) == {
        "mental_health": 12,
        "substance_use": None,  # withheld beside the only small one
        "co_occurring": None,
    }
    assert clients_per_program({"mental_health": 12, "substance_use": 1, "co_occurring": 3}) == {
        "mental_health": 12,
        "substance_use": None,
        "co_occurring": None,
    }
    assert clients_per_program({"mental_health": 12, "co_occurring": 5}) == {"mental_health": 12, "co_occurring": 5}


def measure(n: int, instrument: str, total: int, days: int) -> Measure:
    return Measure(
        measure_id=f"m-{n}",
        client_id="client-1",
        instrument=instrument,
        version="1.0",
        total=total,
        severity=None,
        positive=total >= 10,
        administered_at=T0 + timedelta(days=days),
    )


def test_a_summary_holds_the_episodes_nhs_classification():
    measures = [
        measure(1, "phq9", 16, 0),
        measure(2, "gad7", 12, 0),
        measure(3, "audit", 20, 1),
        measure(4, "phq9", 6, 14),
        measure(5, "gad7", 5, 14),
        measure(6, "audit", 12, 15),
    ]
    summary = summarise("episode-1", "client-1", "co_occurring", "dr-a", "grief", T0, None, 2, measures)
    assert summary is not None
    assert (summary.counted_on, summary.closed, summary.finished_course) == (T0 + timedelta(days=15), False, True)
    assert (summary.caseness_at_start, summary.recovered, summary.reliable_improvement) == (True, True, True)
    assert (summary.reliable_recovery, summary.response, summary.remission) == (True, True, False)
    assert summary.changes == {"audit": -8, "gad7": -7, "phq9": -10}
    closed = summarise("episode-1", "client-1", "co_occurring", "dr-a", "grief", T0, T0 + timedelta(days=40), 2, [])
    assert closed is not None and closed.counted_on == T0 + timedelta(days=40) and closed.changes == {}


def test_an_episode_with_nothing_known_is_not_counted():
    assert summarise("episode-1", "client-1", "mental_health", None, None, T0, None, 0, []) is None
    assert summarise("episode-1", "client-1", "mental_health", None, None, T0, None, 1, []) is not None
