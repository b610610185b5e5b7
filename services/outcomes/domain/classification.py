"""What a client's scores add up to, under one named rule set (clinical reference §3).

Per instrument: the series, baseline (first), latest, change, percent change, reliable change
(the rule recorded in the instrument library), and for the PHQ-9 response and remission. Then
the NHS Talking Therapies block on the first and last PHQ-9 and GAD-7. Rules are data; the
functions only apply them. A comparison needs a second score: with one, everything that compares
is None ("not yet known"), never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from services.outcomes.domain.measure import Measure
from shared.instruments.change import DETERIORATED, IMPROVED, reliable_change
from shared.invariants import known

# Named in every result, so figures are only ever compared with figures of the same rules.
RULE_SET = "nhs-talking-therapies+jacobson-truax/v1"

PHQ9, GAD7 = "phq9", "gad7"


@dataclass(frozen=True)
class Phq9Rules:
    """Response: a fall of at least half the baseline. Remission: a total below 5."""

    response_fall: float = 0.5
    remission_below: int = 5


@dataclass(frozen=True)
class NhsRules:
    """NHS Talking Therapies: caseness at or above these totals (PHQ-9 10, GAD-7 8); a finished
    course has at least 2 attended sessions with first and last scores. Reliable change uses the
    instrument library's thresholds (PHQ-9 6 points, GAD-7 4 points)."""

    caseness: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({PHQ9: 10, GAD7: 8}))
    min_attended_sessions: int = 2


PHQ9_RULES = Phq9Rules()
NHS_RULES = NhsRules()


@dataclass(frozen=True)
class InstrumentOutcome:
    instrument: str
    series: tuple[Measure, ...]
    baseline: int
    latest: int
    change: int | None
    percent_change: float | None
    reliable_change: str | None  # "improved", "deteriorated", "none"; None without a rule or a second score
    response: bool | None  # PHQ-9 only
    remission: bool | None  # PHQ-9 only


@dataclass(frozen=True)
class NhsOutcome:
    caseness_at_start: bool | None
    caseness_at_end: bool | None
    finished_course: bool
    recovered: bool | None  # None when not at caseness at the start: out of the recovery-rate denominator
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None


@dataclass(frozen=True)
class Outcomes:
    rule_set: str
    instruments: dict[str, InstrumentOutcome]
    nhs: NhsOutcome


def scored_series(measures: Iterable[Measure]) -> dict[str, tuple[Measure, ...]]:
    """Each instrument's scored measures, oldest first (a measure without a total has no place)."""
    ordered = sorted((m for m in measures if m.total is not None), key=lambda m: (m.administered_at, m.measure_id))
    series: dict[str, list[Measure]] = {}
    for measure in ordered:
        series.setdefault(measure.instrument, []).append(measure)
    return {code: tuple(items) for code, items in sorted(series.items())}


def instrument_outcome(code: str, series: Sequence[Measure], rules: Phq9Rules = PHQ9_RULES) -> InstrumentOutcome:
    baseline, latest = _total(series[0]), _total(series[-1])
    compared = len(series) >= 2
    change = latest - baseline if compared else None
    return InstrumentOutcome(
        instrument=code,
        series=tuple(series),
        baseline=baseline,
        latest=latest,
        change=change,
        percent_change=round(100 * change / baseline, 1) if change is not None and baseline else None,
        reliable_change=reliable_change(code, baseline, latest) if compared else None,
        response=is_response(baseline, latest, rules) if compared and code == PHQ9 else None,
        remission=latest < rules.remission_below if compared and code == PHQ9 else None,
    )


def is_response(baseline: int, latest: int, rules: Phq9Rules = PHQ9_RULES) -> bool | None:
    """A fall of at least half the baseline; None from a baseline of 0, which cannot fall."""
    if baseline <= 0:
        return None
    return baseline - latest >= rules.response_fall * baseline


def at_caseness(code: str, total: int, rules: NhsRules = NHS_RULES) -> bool:
    return total >= rules.caseness[code]


def nhs_outcome(
    series: Mapping[str, Sequence[Measure]], attended_sessions: int, rules: NhsRules = NHS_RULES
) -> NhsOutcome:
    """The NHS Talking Therapies classification on the first and last PHQ-9 and GAD-7."""
    pairs = {code: (_total(series[code][0]), _total(series[code][-1])) for code in rules.caseness if series.get(code)}
    paired = any(len(series.get(code, ())) >= 2 for code in rules.caseness)
    finished = attended_sessions >= rules.min_attended_sessions and paired
    if not pairs:
        return NhsOutcome(None, None, finished, None, None, None, None)
    start = any(at_caseness(code, first, rules) for code, (first, _) in pairs.items())
    if not paired:
        return NhsOutcome(start, None, finished, None, None, None, None)
    end = any(at_caseness(code, last, rules) for code, (_, last) in pairs.items())
    moved = {reliable_change(code, first, last) for code, (first, last) in pairs.items()}
    # One measure improving reliably while the other deteriorates reliably is neither.
    improvement = IMPROVED in moved and DETERIORATED not in moved
    deterioration = DETERIORATED in moved and IMPROVED not in moved
    recovered = (not end) if start else None
    return NhsOutcome(
        caseness_at_start=start,
        caseness_at_end=end,
        finished_course=finished,
        recovered=recovered,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=(recovered and improvement) if recovered is not None else None,
    )


def outcomes_of(measures: Iterable[Measure], attended_sessions: int) -> Outcomes:
    series = scored_series(measures)
    return Outcomes(
        rule_set=RULE_SET,
        instruments={code: instrument_outcome(code, items) for code, items in series.items()},
        nhs=nhs_outcome(series, attended_sessions),
    )


def _total(measure: Measure) -> int:
    return known(measure.total, "a scored measure's total")  # scored_series keeps scored measures only
