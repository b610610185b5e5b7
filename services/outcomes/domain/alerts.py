"""When an episode needs a clinician's attention: the alert conditions, as pure functions.

- reliable deterioration on an instrument, latest against baseline;
- off track: by the configured session (6 by default), no instrument the client started at
  caseness on shows reliable improvement;
- PHQ-9 item 9 newly above 0 during treatment (after the baseline, when the PHQ-9 before had it at 0);
- measures missed: several attended sessions in a row (3 by default) with no measure.

The functions say which conditions hold now; the episode remembers which it raised, so each is
raised once per episode, never again on every new measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from services.outcomes.domain.classification import NHS_RULES, at_caseness, scored_series
from services.outcomes.domain.measure import Measure
from shared.instruments.change import DETERIORATED, IMPROVED, reliable_change, reliable_change_rule
from shared.invariants import known
from shared.vocabulary import OUTCOME_ALERT_KINDS

RELIABLE_DETERIORATION, OFF_TRACK, PHQ9_ITEM9_POSITIVE, MEASURES_MISSED = OUTCOME_ALERT_KINDS


@dataclass(frozen=True)
class AlertPolicy:
    off_track_session: int = 6  # no reliable improvement by this session is off track
    missed_in_a_row: int = 3  # attended sessions in a row without a measure

    def __post_init__(self) -> None:
        if self.off_track_session < 1 or self.missed_in_a_row < 1:
            raise ValueError("Alert settings count sessions: each must be 1 or more.")


@dataclass(frozen=True)
class AttendedSession:
    session_id: str
    number: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class AlertCondition:
    kind: str
    instrument: str | None = None
    measure_id: str | None = None
    session_number: int | None = None

    @property
    def key(self) -> str:
        """What makes it the same alert: its kind, and the instrument for a deterioration."""
        return f"{self.kind}:{self.instrument or '-'}"


def alert_conditions(
    measures: Iterable[Measure], attended: Sequence[AttendedSession], policy: AlertPolicy, closed: bool = False
) -> list[AlertCondition]:
    """Every alert condition that holds for an episode's measures and attended sessions."""
    measures = list(measures)
    series = scored_series(measures)
    return [
        *deteriorations(series),
        *off_track(series, attended, policy),
        *item9_newly_positive(series.get("phq9", ())),
        *missed_measures(measures, attended, policy, closed),
    ]


def deteriorations(series: Mapping[str, Sequence[Measure]]) -> list[AlertCondition]:
    found = []
    for code, items in series.items():
        if len(items) >= 2 and reliable_change(code, _total(items[0]), _total(items[-1])) == DETERIORATED:
            found.append(AlertCondition(RELIABLE_DETERIORATION, code, items[-1].measure_id, items[-1].session_number))
    return found


def off_track(
    series: Mapping[str, Sequence[Measure]], attended: Sequence[AttendedSession], policy: AlertPolicy
) -> list[AlertCondition]:
    """Only instruments that can change reliably, and on which the client started unwell, count."""
    followed = {
        code: items
        for code, items in series.items()
        if len(items) >= 2 and reliable_change_rule(code) is not None and _unwell_at_start(code, items[0])
    }
    if not followed:
        return []
    if any(reliable_change(code, _total(items[0]), _total(items[-1])) == IMPROVED for code, items in followed.items()):
        return []
    latest = max((items[-1] for items in followed.values()), key=lambda m: (m.administered_at, m.measure_id))
    reached = max(session_of(items[-1], attended) for items in followed.values())
    if reached < policy.off_track_session:
        return []
    return [AlertCondition(OFF_TRACK, None, latest.measure_id, reached)]


def item9_newly_positive(phq9: Sequence[Measure]) -> list[AlertCondition]:
    """The first PHQ-9 after the baseline whose item 9 went above 0 from 0 in the one before."""
    for previous, current in pairwise(phq9):
        if current.self_harm_positive and not previous.self_harm_positive:
            return [AlertCondition(PHQ9_ITEM9_POSITIVE, "phq9", current.measure_id, current.session_number)]
    return []


def missed_measures(
    measures: Sequence[Measure], attended: Sequence[AttendedSession], policy: AlertPolicy, closed: bool = False
) -> list[AlertCondition]:
    """A run of attended sessions with no measure. The latest session is judged only once the
    next one is attended (or the episode closed): its record, with the measures, comes after it."""
    sessions = sorted(attended, key=lambda s: s.number)
    judged = sessions if closed else sessions[:-1]
    run = 0
    for index, session in enumerate(judged):
        previous_start = sessions[index - 1].start if index else None
        run = 0 if was_measured(session, previous_start, measures) else run + 1
        if run >= policy.missed_in_a_row:
            return [AlertCondition(MEASURES_MISSED, None, None, session.number)]
    return []


def was_measured(session: AttendedSession, previous_start: datetime | None, measures: Iterable[Measure]) -> bool:
    """A measure given in the session, or one taken outside a session since the session before
    (a measure before the first session counts for it)."""
    for measure in measures:
        if measure.session_number == session.number:
            return True
        taken_outside = measure.session_number is None
        since_previous = previous_start is None or measure.administered_at > previous_start
        if taken_outside and since_previous and measure.administered_at <= session.end:
            return True
    return False


def session_of(measure: Measure, attended: Iterable[AttendedSession]) -> int:
    """The session a measure belongs to: its own, or for one taken outside a session the number of
    sessions attended by then (0 before the first)."""
    if measure.session_number is not None:
        return measure.session_number
    return sum(1 for session in attended if session.start <= measure.administered_at)


def _unwell_at_start(code: str, baseline: Measure) -> bool:
    if code in NHS_RULES.caseness:
        return at_caseness(code, _total(baseline))
    return baseline.positive


def _total(measure: Measure) -> int:
    return known(measure.total, "a scored measure's total")
