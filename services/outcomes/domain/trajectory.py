"""A client's PHQ-9 and GAD-7 over time as the shared chart draws them (severity bands from the
scoring tables): per episode along its sessions, per client along the days measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.outcomes.domain.alerts import AttendedSession, session_of
from services.outcomes.domain.classification import GAD7, PHQ9, scored_series
from services.outcomes.domain.measure import Measure
from shared.charts.trajectory import Point, Series
from shared.invariants import known

CHARTED = (PHQ9, GAD7)
EPISODE_AXIS = "Session"  # 0: before the first
CLIENT_AXIS = "Day measured"  # the n-th day with a charted measure


def episode_series(measures: Iterable[Measure], attended: Sequence[AttendedSession]) -> list[Series]:
    """x is the session: a measure taken outside a session sits at the sessions attended by then."""
    series = scored_series(measures)
    return [Series(code, [_point(session_of(m, attended), m) for m in series.get(code, ())]) for code in CHARTED]


def client_series(measures: Iterable[Measure]) -> list[Series]:
    """x is the n-th day with a charted measure, across every episode, so the PHQ-9 and GAD-7 of
    one day line up (session numbers start again in each episode)."""
    series = scored_series(measures)
    days = sorted({m.administered_at.date() for code in CHARTED for m in series.get(code, ())})
    number = {day: index for index, day in enumerate(days, start=1)}
    return [
        Series(code, [_point(number[m.administered_at.date()], m) for m in series.get(code, ())]) for code in CHARTED
    ]


def _point(x: int, measure: Measure) -> Point:
    total = known(measure.total, "a scored measure's total")  # scored_series keeps scored measures only
    return Point(x, total, _when(measure))


def _when(measure: Measure) -> str:
    day = measure.administered_at.date().isoformat()
    if measure.session_number is not None:
        return f"Session {measure.session_number}, {day}"
    if measure.source == "intake":
        return f"At intake, {day}"
    return f"Outside a session, {day}"
