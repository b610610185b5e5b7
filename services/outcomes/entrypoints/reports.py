"""The program report as readers get it: each group named in words, as JSON and as a bar chart."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from services.outcomes.domain.report import CLINICIAN, MONTH, PROBLEM_AREA, PROGRAM, Cell
from services.outcomes.handlers import ReportResult
from shared.charts.bars import BarGroup, BarSeries, bar_chart_svg
from shared.staff_ui.labels import AREA_LABELS, PROGRAM_LABELS

NOT_RECORDED = {PROGRAM: "Program not recorded", PROBLEM_AREA: "Problem area not recorded", CLINICIAN: "Not assigned"}
CHARTED = (
    BarSeries("recovery_rate", "Recovery"),
    BarSeries("reliable_improvement_rate", "Reliable improvement"),
    BarSeries("reliable_deterioration_rate", "Reliable deterioration"),
)


def group_label(by: str, key: str | None) -> str:
    if key is None:
        return NOT_RECORDED.get(by, "Not recorded")
    if by == PROGRAM:
        return PROGRAM_LABELS.get(key, key)
    if by == PROBLEM_AREA:
        return AREA_LABELS.get(key, key)
    if by == MONTH:
        return date.fromisoformat(f"{key}-01").strftime("%B %Y")
    return key


def report_body(result: ReportResult) -> dict[str, Any]:
    report = result.report
    return {
        "rule_set": report.rule_set,
        "by": report.by,
        "start": result.period.start,
        "end": result.period.end,
        "min_clients": report.min_clients,
        "groups": [_labelled(cell, group_label(report.by, cell.group)) for cell in report.groups],
        "total": _labelled(report.total, "All"),
        "clients_per_program": result.clients_per_program,
        "total_clients": result.total_clients,
    }


def report_chart(result: ReportResult) -> str:
    """Recovery, reliable improvement and deterioration per group, then for all: no client data."""
    report = result.report
    cells = [(group_label(report.by, cell.group), cell) for cell in report.groups] + [("All", report.total)]
    groups = [_bar_group(label, cell, report.min_clients) for label, cell in cells]
    period = f"{result.period.start.isoformat()} to {result.period.end.isoformat()}"
    return bar_chart_svg(
        groups, CHARTED, title=f"Finished courses by {report.by.replace('_', ' ')}, {period}", chart_id="program-report"
    )


def _labelled(cell: Cell, label: str) -> dict[str, Any]:
    return {"label": label, **asdict(cell)}


def _bar_group(label: str, cell: Cell, min_clients: int) -> BarGroup:
    if cell.suppressed:
        return BarGroup(label, {}, note=f"withheld: fewer than {min_clients} clients")
    values = {one.key: getattr(cell, one.key) for one in CHARTED}
    finished = cell.finished_courses or 0
    return BarGroup(f"{label} ({finished} finished {'course' if finished == 1 else 'courses'})", values)
