"""Clinical activity counters, kept from the events a service publishes.

Each counted event type maps to one counter and the fields that label it. Label values are bounded:
a program, track or source outside its vocabulary, an instrument outside the library or a severity
band no instrument gives is counted as "other", so no identifier or free text can become a series.
The relay counts an event once the broker has it (`count_published`); a worker declares its
service's series at 0 at start (`declare_activity_series`), so a dashboard shows them before any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

from shared.instruments import INSTRUMENTS
from shared.instruments.audit import AUDIT_ZONES
from shared.instruments.dast import DAST10_BANDS
from shared.instruments.gad import GAD7_BANDS
from shared.instruments.phq import PHQ9_BANDS
from shared.metrics import ADMISSIONS, MEASURES_RECORDED, REGISTRATIONS, SCREENINGS, SESSIONS_HELD
from shared.vocabulary import CSSRS_RISK_LEVELS, MEASURE_SOURCES, PROGRAMS, TRACKS

OTHER = "other"
NO_BAND = "none"  # an instrument without bands (PHQ-2, PCL-5, ...), or an incomplete form
# The severity bands each instrument can give (the C-SSRS screen gives its risk level).
SEVERITY_BANDS: Mapping[str, tuple[str, ...]] = {
    "phq9": tuple(name for _, _, name in PHQ9_BANDS),
    "gad7": tuple(name for _, _, name in GAD7_BANDS),
    "audit": tuple(name for _, _, name in AUDIT_ZONES),
    "dast10": tuple(name for _, _, name in DAST10_BANDS),
    "cssrs_screen": CSSRS_RISK_LEVELS,
}
SESSION_OUTCOMES = ("attended", "no_show")


def bounded(value: object, allowed: Iterable[str]) -> str:
    """`value` when it is one of `allowed`, else "other"."""
    return value if isinstance(value, str) and value in tuple(allowed) else OTHER


def instrument_label(value: object) -> str:
    return bounded(value, INSTRUMENTS)


def severity_label(instrument: object, severity: object) -> str:
    if severity is None:
        return NO_BAND
    return bounded(severity, SEVERITY_BANDS.get(instrument_label(instrument), ()))


@dataclass(frozen=True)
class Activity:
    """How one event type counts: the counter, and its labels (besides `service`) from the event's data."""

    counter: Counter
    labels: Callable[[Mapping[str, Any]], tuple[str, ...]]
    # Every label combination the event type can give, declared at 0 at start.
    declared: Callable[[], Iterable[tuple[str, ...]]]


def _screening_labels() -> Iterable[tuple[str, ...]]:
    for instrument in INSTRUMENTS:
        for band in (*SEVERITY_BANDS.get(instrument, ()), NO_BAND):
            yield instrument, band


def _measure_labels() -> Iterable[tuple[str, ...]]:
    return ((instrument, source) for instrument in INSTRUMENTS for source in MEASURE_SOURCES)


ACTIVITIES: Mapping[str, Activity] = {
    "intake.client.registered": Activity(
        REGISTRATIONS, lambda d: (bounded(d.get("program"), PROGRAMS),), lambda: ((p,) for p in PROGRAMS)
    ),
    "intake.screening.completed": Activity(
        SCREENINGS,
        lambda d: (instrument_label(d.get("instrument")), severity_label(d.get("instrument"), d.get("severity"))),
        _screening_labels,
    ),
    "intake.client.admitted": Activity(
        ADMISSIONS,
        lambda d: (bounded(d.get("program"), PROGRAMS), bounded(d.get("track"), TRACKS)),
        lambda: ((p, t) for p in PROGRAMS for t in TRACKS),
    ),
    "sessions.session.attended": Activity(SESSIONS_HELD, lambda d: ("attended",), lambda: [("attended",)]),
    "sessions.session.no_show": Activity(SESSIONS_HELD, lambda d: ("no_show",), lambda: [("no_show",)]),
    "outcomes.score.recorded": Activity(
        MEASURES_RECORDED,
        lambda d: (instrument_label(d.get("instrument")), bounded(d.get("source"), MEASURE_SOURCES)),
        _measure_labels,
    ),
}


def counts(event_type: str) -> bool:
    """Whether events of this type are counted (the relay reads the body of those only)."""
    return event_type in ACTIVITIES


def count_published(service: str, event_type: str, data: Mapping[str, Any]) -> None:
    activity = ACTIVITIES.get(event_type)
    if activity is not None:
        activity.counter.labels(service, *activity.labels(data)).inc()


def declare_activity_series(service: str, published_types: Iterable[str]) -> None:
    """Zero-valued activity series for the event types this service publishes."""
    for event_type in published_types:
        activity = ACTIVITIES.get(event_type)
        if activity is None:
            continue
        for labels in activity.declared():
            activity.counter.labels(service, *labels)
