"""Program report latency at 10k and 100k administrations, on SecantusDB started for the run.

Each course has 10 administrations (PHQ-9 and GAD-7 at 5 occasions), 100 courses end each month,
so 10k administrations are 1,000 courses over 10 months and 100k are 10,000 over 100 months. The
measures are stored too, as the service stores them, though a report never reads one: it reads the
courses' summaries of its period. Measured: the report over the default 12 months and over the
whole history (which grows with the courses in it, not with their administrations), and the cost of
keeping the summaries per event (a session measure handled by the real handlers).
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.outcomes import bootstrap
from services.outcomes.adapters import COLLECTIONS
from services.outcomes.adapters.courses import COURSES
from services.outcomes.adapters.projections import MEASURES
from services.outcomes.adapters.summaries import COURSE_SUMMARIES
from services.outcomes.domain.access import Viewer
from services.outcomes.domain.alerts import AttendedSession
from services.outcomes.domain.course import EpisodeCourse
from services.outcomes.domain.measure import Measure
from services.outcomes.domain.report import CLINICIAN, MONTH, PROGRAM
from services.outcomes.handlers import ReportPeriod, program_report
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope
from shared.mongo_store import ensure_indexes
from shared.vocabulary import PROGRAMS
from tests.bench.figures import Figure

SIZES = (10_000, 100_000)
PER_COURSE = 10
COURSES_PER_MONTH = 100
TODAY = datetime(2026, 6, 30, 12, tzinfo=UTC)
REPEATS = 5
EVENTS = 20


def figures(client: Any, sizes: tuple[int, ...] = SIZES, repeats: int = REPEATS) -> list[Figure]:
    """The report over the last 12 months and over the whole history, at each size, in a database of
    its own on the bench's server; the other groupings and the cost per event are in the details."""
    found = []
    for size in sizes:
        results = _measure(client[f"bench_reports_{size}"], size, repeats)
        by_name = {result["benchmark"]: result for result in results}
        details = {"administrations": size, "results": results}
        for period, label in (("last_12_months", "12 months"), ("all_history", "all history")):
            timing = by_name[f"reports.{period}.by_{PROGRAM}"]
            found.append(
                Figure(
                    f"program report, {label}, by program, {size:,} administrations",
                    timing["ms_median"],
                    "ms",
                    higher_is_better=False,
                    note=f"{timing['courses_counted']:,} courses",
                    details=details,
                )
            )
    return found


def _measure(db, administrations: int, repeats: int = REPEATS) -> list[dict]:
    ensure_indexes(db, COLLECTIONS)
    started = time.perf_counter()
    courses = _load(db, administrations // PER_COURSE)
    load_seconds = time.perf_counter() - started
    deps = bootstrap.real_dependencies(db)
    manager = Viewer("bench-supervisor", "supervisor")
    last_year = ReportPeriod(date(2025, 7, 1), TODAY.date())
    everything = ReportPeriod(date(2000, 1, 1), TODAY.date())
    results = [{"benchmark": "reports.load", "administrations": administrations, "seconds": round(load_seconds, 1)}]
    variants = [(name, period, by) for name, period in (("last_12_months", last_year), ("all_history", everything))
                for by in (PROGRAM, CLINICIAN, MONTH)]  # fmt: skip
    # One untimed run of each first: right after a bulk load the embedded database is still busy with
    # it (the first queries after 100,000 inserts took 8-9 s, the same ones moments later 0.2-0.4 s).
    for _, period, by in variants:
        program_report(period, by, manager, deps.repos)
    for name, period, by in variants:
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            result = program_report(period, by, manager, deps.repos)
            timings.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "benchmark": f"reports.{name}.by_{by}",
                "administrations": administrations,
                "courses_counted": result.report.total.courses,
                "ms_median": round(statistics.median(timings), 1),
                "ms_max": round(max(timings), 1),
            }
        )
    results.append(_per_event(deps, courses, administrations))
    return results


def _load(db, count: int) -> list[EpisodeCourse]:
    """Courses with their measures and summaries, written in batches (the summaries by the domain's
    own `summarise`, as the handlers keep them)."""
    courses, measures, summaries = [], [], []
    for n in range(count):
        ended = TODAY - timedelta(days=30 * (n // COURSES_PER_MONTH) + n % 28)
        course = EpisodeCourse(
            episode_id=f"episode-{n}",
            client_id=f"client-{n}",
            program=PROGRAMS[n % len(PROGRAMS)],
            clinician_id=f"dr-{n % 40}",
            opened_at=ended - timedelta(days=70),
            attended=[
                AttendedSession(f"episode-{n}-s{k}", k, ended - timedelta(days=14 * (5 - k)), ended)
                for k in range(1, 6)
            ],
        )
        own = _measures(course, ended, n)
        summary = course.summary(own, problem_area="grief")
        courses.append(course)
        measures.extend(MEASURES.to_document(m) for m in own)
        summaries.append(COURSE_SUMMARIES.to_document(summary))
    for kind, documents in ((MEASURES, measures), (COURSE_SUMMARIES, summaries)):
        for start in range(0, len(documents), 1000):
            db[kind.collection].insert_many(documents[start : start + 1000], ordered=False)
    db[COURSES.collection].insert_many([COURSES.to_document(c) for c in courses])
    return courses


def _measures(course: EpisodeCourse, ended: datetime, n: int) -> list[Measure]:
    found = []
    for occasion in range(PER_COURSE // 2):
        at = ended - timedelta(days=14 * (PER_COURSE // 2 - 1 - occasion))
        for instrument, start in (("phq9", 16), ("gad7", 12)):
            total = max(0, start - occasion * (2 + n % 3))
            found.append(
                Measure(
                    measure_id=f"{course.episode_id}:{instrument}:{occasion}",
                    client_id=course.client_id,
                    instrument=instrument,
                    version="1.0",
                    total=total,
                    severity=None,
                    positive=total >= 10,
                    administered_at=at,
                    source="session",
                    episode_id=course.episode_id,
                    session_number=occasion + 1,
                )
            )
    return found


def _per_event(deps, courses: list[EpisodeCourse], administrations: int) -> dict:
    """A new session measure for an existing course through the real handler: record, review, summary."""
    handle = bootstrap.event_handlers(deps)["sessions.measure.recorded"]
    timings = []
    for index, course in enumerate(courses[:EVENTS]):
        data = dict(contract_for("sessions.measure.recorded", 1).example)
        data |= {"client_id": course.client_id, "episode_id": course.episode_id, "measure_id": f"bench-{index}"}
        data |= {"clinician_id": course.clinician_id, "session_number": 6, "instrument": "phq9", "total": 5}
        data |= {"administered_at": TODAY.isoformat(), "flags": []}
        event = Envelope(
            type="sessions.measure.recorded", version=1, source="bench", subject=course.client_id, data=data
        )
        started = time.perf_counter()
        handle(event, read_incoming(event.type, 1, data), deps.uow(cause=event))
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "benchmark": "reports.summary_kept_per_event",
        "administrations": administrations,
        "events": len(timings),
        "ms_median": round(statistics.median(timings), 1),
    }
