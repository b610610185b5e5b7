"""Program reports: what each course of treatment adds up to, and the figures managers read.

Two halves, both pure:

- `summarise` turns one episode and its measures into a `CourseSummary`, the read model kept per
  episode and rebuilt whenever the episode changes (a measure, an attended session, a close, an
  assignment, the admission's problem area). A report never reads a measure.
- `program_report` adds up the summaries of a period into cells (by program, problem area,
  clinician or month), under the NHS Talking Therapies rules the episode outcomes follow, and
  suppresses every cell of fewer than `min_clients` clients.

A course counts in the period in which it ended (closed); while it is open, in the month of its
latest measure (its outcomes to date). Courses with neither a measure nor an attended session are
not counted: nothing is known of them yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.outcomes.domain.classification import GAD7, PHQ9, RULE_SET, at_caseness, outcomes_of
from services.outcomes.domain.measure import Measure
from shared.vocabulary import PART2_PROGRAMS, PROBLEM_AREAS, PROGRAMS

PROGRAM, PROBLEM_AREA, CLINICIAN, MONTH = "program", "problem_area", "clinician", "month"
GROUPINGS = (PROGRAM, PROBLEM_AREA, CLINICIAN, MONTH)
MIN_CELL_CLIENTS = 5  # fewer clients than this in a cell and its figures are withheld
MEAN_CHANGE_INSTRUMENTS = (PHQ9, GAD7)
SUBSTANCE_USE_INSTRUMENTS = ("audit", "dast10")


@dataclass(frozen=True)
class CourseSummary:
    """One episode as the program reports count it (identifiers stay in outcomes' own storage)."""

    episode_id: str
    client_id: str
    program: str | None
    clinician_id: str | None
    problem_area: str | None  # the primary problem area proposed at admission
    counted_on: datetime  # closed, else the latest measure, else opened
    closed: bool
    finished_course: bool
    caseness_at_start: bool | None
    recovered: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None
    phq9_caseness_at_start: bool | None  # PHQ-9 baseline at caseness: who can respond or remit
    response: bool | None
    remission: bool | None
    changes: dict[str, int] = field(default_factory=dict)  # latest − baseline, instruments scored twice or more
    rule_set: str = RULE_SET

    @property
    def month(self) -> str:
        return self.counted_on.strftime("%Y-%m")

    @property
    def part2(self) -> bool:
        return self.program in PART2_PROGRAMS


def summarise(
    episode_id: str,
    client_id: str,
    program: str | None,
    clinician_id: str | None,
    problem_area: str | None,
    opened_at: datetime | None,
    closed_at: datetime | None,
    attended_sessions: int,
    measures: Iterable[Measure],
) -> CourseSummary | None:
    """The episode's summary; None while it has neither a measure nor an attended session."""
    measures = [m for m in measures if m.total is not None]
    if not measures and not attended_sessions:
        return None
    latest = max((m.administered_at for m in measures), default=None)
    counted_on = closed_at or latest or opened_at
    if counted_on is None:
        return None
    outcomes = outcomes_of(measures, attended_sessions)
    nhs, phq9 = outcomes.nhs, outcomes.instruments.get(PHQ9)
    return CourseSummary(
        episode_id=episode_id,
        client_id=client_id,
        program=program,
        clinician_id=clinician_id,
        problem_area=problem_area,
        counted_on=counted_on,
        closed=closed_at is not None,
        finished_course=nhs.finished_course,
        caseness_at_start=nhs.caseness_at_start,
        recovered=nhs.recovered,
        reliable_improvement=nhs.reliable_improvement,
        reliable_deterioration=nhs.reliable_deterioration,
        reliable_recovery=nhs.reliable_recovery,
        phq9_caseness_at_start=at_caseness(PHQ9, phq9.baseline) if phq9 else None,
        response=phq9.response if phq9 else None,
        remission=phq9.remission if phq9 else None,
        changes={code: o.change for code, o in outcomes.instruments.items() if o.change is not None},
        rule_set=outcomes.rule_set,
    )


# -- adding up --------------------------------------------------------------------------------
@dataclass(frozen=True)
class InstrumentChange:
    courses: int | None
    mean_change: float | None


@dataclass(frozen=True)
class SubstanceUse:
    """AUDIT and DAST-10 change beside the outcomes, over the courses of substance-use programs."""

    suppressed: bool
    clients: int | None
    audit: InstrumentChange | None
    dast10: InstrumentChange | None


@dataclass(frozen=True)
class Cell:
    """One row of a report. A suppressed cell keeps only its group: every figure is None."""

    group: str | None
    suppressed: bool
    clients: int | None
    courses: int | None
    finished_courses: int | None
    recovery_rate: float | None  # percent: recovered / finished courses at caseness at the start
    reliable_recovery_rate: float | None  # same denominator
    reliable_improvement_rate: float | None  # percent of finished courses
    reliable_deterioration_rate: float | None  # percent of finished courses
    response_rate: float | None  # percent of finished courses with a PHQ-9 baseline at caseness
    remission_rate: float | None  # same denominator
    mean_change: dict[str, float | None] | None  # PHQ-9 and GAD-7, over finished courses
    substance_use: SubstanceUse | None  # None when the cell has no course of a substance-use program


@dataclass(frozen=True)
class ProgramReport:
    rule_set: str
    by: str
    min_clients: int
    groups: list[Cell]
    total: Cell


def group_key(summary: CourseSummary, by: str) -> str | None:
    if by == PROGRAM:
        return summary.program
    if by == PROBLEM_AREA:
        return summary.problem_area
    if by == CLINICIAN:
        return summary.clinician_id
    if by == MONTH:
        return summary.month
    raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")


def program_report(summaries: Iterable[CourseSummary], by: str, min_clients: int = MIN_CELL_CLIENTS) -> ProgramReport:
    """The figures per group and for all, small cells suppressed (and one more where a single
    suppressed cell could be worked out from the total and the others)."""
    counted = list(summaries)
    grouped: dict[str | None, list[CourseSummary]] = {}
    for summary in counted:
        grouped.setdefault(group_key(summary, by), []).append(summary)
    total = _cell(None, counted, min_clients)
    groups = [_cell(key, grouped[key], min_clients) for key in sorted(grouped, key=_order(by))]
    groups = _protect_groups(groups, total)
    return ProgramReport(rule_set=RULE_SET, by=by, min_clients=min_clients, groups=groups, total=total)


def _order(by: str) -> Callable[[str | None], tuple[int, str]]:
    """Programs and problem areas in the vocabulary's order, the rest by key; 'not recorded' last."""
    known: Sequence[str] = PROGRAMS if by == PROGRAM else PROBLEM_AREAS if by == PROBLEM_AREA else ()

    def key(value: str | None) -> tuple[int, str]:
        if value is None:
            return (len(known) + 1, "")
        return (known.index(value), value) if value in known else (len(known), value)

    return key


def _cell(group: str | None, summaries: Sequence[CourseSummary], min_clients: int) -> Cell:
    clients = len({s.client_id for s in summaries})
    if clients < min_clients:
        return suppressed(group)
    finished = [s for s in summaries if s.finished_course]
    at_caseness = [s for s in finished if s.caseness_at_start]
    phq9_cases = [s for s in finished if s.phq9_caseness_at_start and s.response is not None]
    return Cell(
        group=group,
        suppressed=False,
        clients=clients,
        courses=len(summaries),
        finished_courses=len(finished),
        recovery_rate=_rate(at_caseness, lambda s: s.recovered is True),
        reliable_recovery_rate=_rate(at_caseness, lambda s: s.reliable_recovery is True),
        reliable_improvement_rate=_rate(finished, lambda s: s.reliable_improvement is True),
        reliable_deterioration_rate=_rate(finished, lambda s: s.reliable_deterioration is True),
        response_rate=_rate(phq9_cases, lambda s: s.response is True),
        remission_rate=_rate(phq9_cases, lambda s: s.remission is True),
        mean_change={code: _mean_change(finished, code).mean_change for code in MEAN_CHANGE_INSTRUMENTS},
        substance_use=_substance_use([s for s in summaries if s.part2], min_clients),
    )


def suppressed(group: str | None) -> Cell:
    return Cell(group, True, None, None, None, None, None, None, None, None, None, None, None)


def _substance_use(summaries: Sequence[CourseSummary], min_clients: int) -> SubstanceUse | None:
    if not summaries:
        return None
    clients = len({s.client_id for s in summaries})
    if clients < min_clients:
        return SubstanceUse(True, None, None, None)
    audit, dast10 = (_mean_change(summaries, code) for code in SUBSTANCE_USE_INSTRUMENTS)
    return SubstanceUse(False, clients, audit, dast10)


def _rate(summaries: Sequence[CourseSummary], counts: Callable[[CourseSummary], bool]) -> float | None:
    """Percent, one decimal; None with nobody to count (not the same as suppressed)."""
    if not summaries:
        return None
    return round(100 * sum(1 for s in summaries if counts(s)) / len(summaries), 1)


def _mean_change(summaries: Sequence[CourseSummary], code: str) -> InstrumentChange:
    changes = [s.changes[code] for s in summaries if code in s.changes]
    return InstrumentChange(len(changes), round(sum(changes) / len(changes), 1) if changes else None)


def _protect_groups(groups: list[Cell], total: Cell) -> list[Cell]:
    """Secondary suppression: with the total shown, a single suppressed group (or substance-use
    block) could be worked out by subtraction, so the smallest shown one is withheld too."""
    if total.suppressed:
        return groups  # every group is smaller than the total, so suppressed already
    groups = _withhold_one_more(groups, lambda c: c.suppressed, lambda c: c.clients or 0, lambda c: suppressed(c.group))
    return _withhold_one_more(
        groups,
        lambda c: c.substance_use is not None and c.substance_use.suppressed,
        lambda c: (c.substance_use.clients or 0) if c.substance_use else 0,
        lambda c: replace(c, substance_use=SubstanceUse(True, None, None, None)),
        shown=lambda c: c.substance_use is not None and not c.substance_use.suppressed,
    )


def _withhold_one_more(
    groups: list[Cell],
    is_suppressed: Callable[[Cell], bool],
    size: Callable[[Cell], int],
    withhold: Callable[[Cell], Cell],
    shown: Callable[[Cell], bool] | None = None,
) -> list[Cell]:
    shown = shown or (lambda c: not is_suppressed(c))
    if sum(1 for c in groups if is_suppressed(c)) != 1:
        return groups
    candidates = [c for c in groups if shown(c)]
    if not candidates:
        return groups
    smallest = min(candidates, key=lambda c: (size(c), c.group or ""))
    return [withhold(c) if c is smallest else c for c in groups]


def deidentified(report: ProgramReport) -> ProgramReport:
    """What ops may see: the same figures, with clinicians numbered (most clients first), never
    named. Unassigned courses stay as they are (no clinician to hide)."""
    if report.by != CLINICIAN:
        return report
    named = sorted(
        (cell for cell in report.groups if cell.group is not None),
        key=lambda c: (c.suppressed, -(c.clients or 0), -(c.courses or 0), -(c.finished_courses or 0)),
    )
    numbered = [replace(cell, group=f"clinician-{number}") for number, cell in enumerate(named, start=1)]
    unassigned = [cell for cell in report.groups if cell.group is None]
    return replace(report, groups=numbered + unassigned)


def clients_per_program(counts: Mapping[str, int], min_clients: int = MIN_CELL_CLIENTS) -> dict[str, int | None]:
    """Registered clients per program, a count of 1 to `min_clients` − 1 withheld as None (and the
    smallest other with it when it is the only one, as the total is shown)."""
    shown: dict[str, int | None] = {
        program: (None if 0 < count < min_clients else count) for program, count in counts.items()
    }
    small = [p for p, v in shown.items() if v is None]
    others = [p for p, v in shown.items() if v]
    if len(small) == 1 and others:
        shown[min(others, key=lambda p: (counts[p], p))] = None
    return shown
