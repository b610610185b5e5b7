"""Use cases of the outcomes service: load, call the domain, save, commit.

Every consumed event is applied so that a second delivery changes nothing: measures are upserted
by their id (the same result again is not announced again), attended sessions are kept by
session id, and an episode remembers which statuses and alerts it has announced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from services.outcomes.adapters.courses import CourseRepository
from services.outcomes.adapters.disclosures import ConsentRepository, DisclosureLog
from services.outcomes.adapters.projections import AdmissionRepository, EnrolmentRepository, MeasureRepository
from services.outcomes.adapters.summaries import CourseSummaryRepository
from services.outcomes.domain.access import Viewer, may_see
from services.outcomes.domain.alerts import AlertPolicy, AttendedSession
from services.outcomes.domain.classification import Outcomes, outcomes_of
from services.outcomes.domain.course import EpisodeCourse, course_at
from services.outcomes.domain.disclosure import (
    REDISCLOSURE_NOTICE_SHORT,
    Disclosure,
    DisclosureConsent,
    authorise,
    disclosure_of,
)
from services.outcomes.domain.enrolment import Admission, Enrolment
from services.outcomes.domain.fhir import carries_part2, client_bundle, with_redisclosure_notice
from services.outcomes.domain.measure import (
    INTAKE,
    SESSION,
    Measure,
    measure_id_for,
    score_answers,
    taken_outside_session,
)
from services.outcomes.domain.report import ProgramReport, clients_per_program, deidentified
from services.outcomes.domain.report import program_report as report_of
from services.outcomes.domain.trajectory import CLIENT_AXIS, EPISODE_AXIS, client_series, episode_series
from shared.charts.trajectory import trajectory_svg
from shared.emergency_access import NO_PASS, EmergencyPass
from shared.emergency_grants import EmergencyGrantRepository
from shared.envelope import Envelope
from shared.errors import AlreadyExists, NotFound, StaleWrite
from shared.retry import IMMEDIATE, on_conflict, retry
from shared.roles import OPS
from shared.supervision_records import SupervisionRepository
from shared.uow import UnitOfWork
from shared.vocabulary import PART2_CONSENT

RECORD_ATTEMPTS = 5  # a measure taken here races the worker reviewing the same episode


@dataclass
class Repositories:
    enrolments: EnrolmentRepository
    measures: MeasureRepository
    courses: CourseRepository
    admissions: AdmissionRepository
    summaries: CourseSummaryRepository
    consents: ConsentRepository
    disclosures: DisclosureLog
    emergency: EmergencyGrantRepository  # intake's emergency access grants (shared/emergency_grants.py)
    supervision: SupervisionRepository  # sessions' supervisors of each clinician (shared/supervision_records.py)


@dataclass(frozen=True)
class Policy:
    """Settings the use cases follow: when to alert, and the screening cut-offs in force."""

    alerts: AlertPolicy = field(default_factory=AlertPolicy)
    cutoffs: Mapping[str, int] = field(default_factory=dict)


# -- from intake's events ---------------------------------------------------------------------
def record_enrolment(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """From a registration or a correction of it: the latest details win."""
    # Names, birth date and contact stay in intake: outcomes never needs them.
    repos.enrolments.put(
        Enrolment(client_id=data["client_id"], program=data["program"], registered_at=data["registered_at"]), uow
    )
    uow.commit()


def record_screening(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """A screening scored at intake; it counts towards the episode open when it was taken."""
    _ingest(_measure(data["screening_id"], data, INTAKE), None, event.time, uow, repos, policy)


def record_admission(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """The problem areas the client was admitted with: the reports group the client's episodes by them."""
    secondary = data.get("secondary_problem_area")
    admission = Admission(
        client_id=data["client_id"],
        program=data["program"],
        primary_problem_area=data["primary_problem_area"]["area"],
        secondary_problem_area=secondary["area"] if secondary else None,
        admitted_at=data["admitted_at"],
    )
    repos.admissions.put(admission, uow)
    for course in repos.courses.for_client(admission.client_id):
        _summarise(course, repos.measures.for_episode(course.episode_id), uow, repos, admission)
    uow.commit()


def record_consent(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A Part 2 disclosure consent: whom the client allows their substance-use records to be
    disclosed to, why and until when. Treatment consents are intake's concern alone."""
    if data["kind"] == PART2_CONSENT:
        consent = DisclosureConsent(
            consent_id=data["consent_id"],
            client_id=data["client_id"],
            kind=data["kind"],
            recipients=tuple(data["recipients"]),
            purpose=data["purpose"],
            scope=data["scope"],
            signed_on=data["signed_on"],
            expires_on=data["expires_on"],
        )
        repos.consents.put(consent.recorded_again(repos.consents.get(consent.consent_id)), uow)
    uow.commit()


def revoke_consent(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A revoked Part 2 consent allows no disclosure from now on (kept revoked even if the
    revocation were handled before the consent itself)."""
    if data["kind"] == PART2_CONSENT:
        known = repos.consents.get(data["consent_id"])
        consent = known or DisclosureConsent(data["consent_id"], data["client_id"], data["kind"])
        repos.consents.put(consent.revoked(data["revoked_at"]), uow)
    uow.commit()


# -- from sessions' events --------------------------------------------------------------------
def record_session_measure(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """A measure given in a session; a corrected one replaces it (same measure id)."""
    measure = _measure(
        data["measure_id"], data, SESSION, episode_id=data["episode_id"], session_number=data["session_number"]
    )
    _ingest(measure, data["clinician_id"], event.time, uow, repos, policy)


def follow_episode_opened(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """A new episode; screenings already taken since it opened (their event may come first) count towards it."""
    course, is_new = _course(data["episode_id"], data["client_id"], repos)
    course.opened(data["program"], data["opened_at"])
    earlier = repos.measures.unattributed(course.client_id, data["opened_at"])
    attached = [measure.in_episode(course.episode_id) for measure in earlier]
    for measure in attached:
        repos.measures.put(measure, uow)
    _review(course, is_new, attached[-1] if attached else None, event.time, uow, repos, policy, extra=attached)
    uow.commit()


def follow_episode_assigned(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """The clinician who treats the client now: alerts go to them, and they may see the outcomes."""
    course, is_new = _course(data["episode_id"], data["client_id"], repos)
    course.assigned(data["clinician_id"], data["program"])
    (repos.courses.add if is_new else repos.courses.save)(course, uow)
    _summarise(course, repos.measures.for_episode(course.episode_id), uow, repos)
    uow.commit()


def follow_session_attended(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """An attended session counts towards a finished course, and may show measures being missed."""
    course, is_new = _course(data["episode_id"], data["client_id"], repos)
    course.clinician_id = course.clinician_id or data["clinician_id"]
    session = AttendedSession(data["session_id"], data["number"], data["start"], data["end"])
    if course.attend(session) or is_new:
        _review(course, is_new, None, event.time, uow, repos, policy)
    uow.commit()


def follow_episode_closed(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """A closed episode takes no more measures; its last session is judged for a missed measure too."""
    course, is_new = _course(data["episode_id"], data["client_id"], repos)
    course.closed(data["closed_at"])
    _review(course, is_new, None, event.time, uow, repos, policy)
    uow.commit()


# -- the API ----------------------------------------------------------------------------------
def viewer_for(sub: str, role: str, repos: Repositories, emergency: EmergencyPass = NO_PASS) -> Viewer:
    """The caller as the access rule sees them: a supervisor with the team sessions last announced."""
    return Viewer(sub, role, repos.supervision.team_seen_by(sub, role), emergency)


def record_outside_session(
    client_id: str,
    body: Mapping[str, Any],
    viewer: Viewer,
    now: datetime,
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
    policy: Policy,
    request_key: str | None = None,
) -> Measure:
    """Scores a measure taken outside a session (Invalid naming every bad answer); a resend with
    the same request key returns the first measure. It counts towards the episode open now."""
    visible_courses(client_id, viewer, repos)
    measure_id = measure_id_for(client_id, request_key)

    def attempt() -> Measure:
        earlier = repos.measures.get(measure_id)
        if earlier is not None:
            return earlier
        result = score_answers(body["instrument"], body["answers"], body.get("extras") or {}, policy.cutoffs)
        course = course_at(repos.courses.for_client(client_id), now)
        measure = taken_outside_session(
            measure_id, client_id, result, body["answers"], body.get("extras") or {}, viewer.sub, now
        )
        measure = measure.in_episode(course.episode_id if course else None).record()
        uow = new_uow()
        repos.measures.add(measure, uow)
        if course is not None:
            _review(course, False, measure, now, uow, repos, policy)
        uow.commit()
        return measure

    return retry(attempt, should_retry=on_conflict((StaleWrite, AlreadyExists), RECORD_ATTEMPTS), backoff=IMMEDIATE)


def visible_courses(client_id: str, viewer: Viewer, repos: Repositories) -> list[EpisodeCourse]:
    """The client's episodes, or NotFound for a client unknown here or not the viewer's to see."""
    courses = repos.courses.for_client(client_id)
    known = courses or repos.enrolments.get(client_id) is not None or repos.measures.for_client(client_id)
    if not known or not may_see(viewer, [course.clinician_id for course in courses], client_id):
        raise NotFound("client")
    return courses


def measures_for_client(client_id: str, viewer: Viewer, repos: Repositories) -> list[Measure]:
    visible_courses(client_id, viewer, repos)
    return repos.measures.for_client(client_id)


def client_outcomes(client_id: str, viewer: Viewer, repos: Repositories) -> tuple[Outcomes, dict[str, Any]]:
    """Every measure of the client, whichever episode it belongs to."""
    courses = visible_courses(client_id, viewer, repos)
    attended = sum(course.attended_sessions for course in courses)
    return outcomes_of(repos.measures.for_client(client_id), attended), {"client_id": client_id}


def client_fhir(client_id: str, viewer: Viewer, now: datetime, repos: Repositories) -> dict[str, Any]:
    """The client's measures as a FHIR R4 Bundle; each measure labelled by the program of its
    episode (or, outside any episode, the client's program)."""
    courses = visible_courses(client_id, viewer, repos)
    return client_bundle(client_id, repos.measures.for_client(client_id), _program_of(client_id, courses, repos), now)


def _program_of(
    client_id: str, courses: Iterable[EpisodeCourse], repos: Repositories
) -> Callable[[Measure], str | None]:
    """Each measure's program: its episode's, or outside any episode the client's registered one."""
    programs = {course.episode_id: course.program for course in courses}
    enrolment = repos.enrolments.get(client_id)
    registered = enrolment.program if enrolment else None

    def program_of(measure: Measure) -> str | None:
        return programs.get(measure.episode_id or "") or registered

    return program_of


@dataclass(frozen=True)
class FhirExport:
    bundle: dict[str, Any]
    notice: str | None  # the short redisclosure notice, for a Part 2 disclosure


def export_fhir(
    client_id: str,
    viewer: Viewer,
    recipient: str | None,
    purpose: str | None,
    now: datetime,
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
) -> FhirExport:
    """The client's FHIR Bundle (as `client_fhir`), as a disclosure when it names a recipient. With
    Part 2 data it is one always: NotAllowed unless a consent in force names the recipient, and it
    carries the redisclosure notice. Each disclosure is logged before the Bundle goes out."""
    courses = visible_courses(client_id, viewer, repos)
    measures = repos.measures.for_client(client_id)
    program_of = _program_of(client_id, courses, repos)
    part2 = carries_part2(measures, program_of)
    consent = authorise(part2, recipient, repos.consents.for_client(client_id), now.date(), purpose)
    bundle = client_bundle(client_id, measures, program_of, now)
    if part2:
        bundle = with_redisclosure_notice(bundle)
    if recipient and recipient.strip():
        by = (viewer.sub, viewer.role)
        uow = new_uow()
        repos.disclosures.append(disclosure_of(client_id, measures, by, recipient, purpose, consent, part2, now), uow)
        uow.commit()
    return FhirExport(bundle, REDISCLOSURE_NOTICE_SHORT if part2 else None)


def disclosures_of_client(
    client_id: str, viewer: Viewer, repos: Repositories, offset: int = 0, limit: int = 0
) -> tuple[list[Disclosure], int]:
    """The client's accounting of disclosures, newest first: for those who may see the client's outcomes."""
    visible_courses(client_id, viewer, repos)
    return repos.disclosures.for_client(client_id, offset, limit)


def client_trajectory(client_id: str, viewer: Viewer, repos: Repositories) -> str:
    """The client's PHQ-9 and GAD-7 across every episode as an SVG with severity bands."""
    visible_courses(client_id, viewer, repos)
    series = client_series(repos.measures.for_client(client_id))
    return trajectory_svg(series, title="PHQ-9 and GAD-7 over time", x_label=CLIENT_AXIS, chart_id="client-trajectory")


def episode_trajectory(episode_id: str, viewer: Viewer, repos: Repositories) -> tuple[str, str]:
    """The episode's PHQ-9 and GAD-7 along its sessions as an SVG, and the episode's client."""
    course = repos.courses.get(episode_id)
    if course is None or not may_see(viewer, [course.clinician_id], course.client_id):
        raise NotFound("episode")
    series = episode_series(repos.measures.for_episode(episode_id), course.attended)
    svg = trajectory_svg(
        series, title="PHQ-9 and GAD-7 over the course", x_label=EPISODE_AXIS, chart_id="episode-trajectory"
    )
    return svg, course.client_id


def episode_outcomes(episode_id: str, viewer: Viewer, repos: Repositories) -> tuple[Outcomes, dict[str, Any]]:
    course = repos.courses.get(episode_id)
    if course is None or not may_see(viewer, [course.clinician_id], course.client_id):
        raise NotFound("episode")
    outcomes = course.outcomes(repos.measures.for_episode(episode_id))
    return outcomes, {"episode_id": episode_id, "client_id": course.client_id}


@dataclass(frozen=True)
class ReportPeriod:
    start: date  # inclusive
    end: date  # inclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """From midnight UTC at the start to midnight UTC after the end."""
        return datetime.combine(self.start, time(), UTC), datetime.combine(self.end + timedelta(days=1), time(), UTC)


@dataclass(frozen=True)
class ReportResult:
    report: ProgramReport
    period: ReportPeriod
    clients_per_program: dict[str, int | None]  # registered, all time; small counts withheld
    total_clients: int


def program_report(period: ReportPeriod, by: str, viewer: Viewer, repos: Repositories) -> ReportResult:
    """The period's figures by `by` from the courses' summaries (never the measures); ops see
    clinicians numbered, not named. Registered clients per program beside them, all time."""
    report = report_of(repos.summaries.counted_between(*period.bounds), by)
    if viewer.role == OPS:
        report = deidentified(report)
    counts = repos.enrolments.count_per_program()
    return ReportResult(report, period, clients_per_program(counts), sum(counts.values()))


# -- shared steps -----------------------------------------------------------------------------
def _measure(measure_id: str, data: dict[str, Any], source: str, **more: Any) -> Measure:
    return Measure(
        measure_id=measure_id,
        client_id=data["client_id"],
        instrument=data["instrument"],
        version=data["version"],
        total=data["total"],
        severity=data["severity"],
        positive=data["positive"],
        administered_at=data["administered_at"],
        cutoff=data.get("cutoff"),  # absent from events published before it was added
        source=source,
        flags=tuple(data["flags"]),
        **more,
    )


def _ingest(
    measure: Measure,
    clinician_id: str | None,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    policy: Policy,
) -> None:
    stored = repos.measures.get(measure.measure_id)
    if stored is not None and stored.same_result_as(measure):
        uow.commit()  # the same result again: recorded and announced already
        return
    course, is_new = _course_of(measure, clinician_id, repos)
    episode_id = course.episode_id if course else (stored.episode_id if stored else None)
    measure = measure.in_episode(episode_id).record()
    repos.measures.put(measure, uow)
    if course is not None:
        _review(course, is_new, measure, now, uow, repos, policy)
    uow.commit()


def _course_of(measure: Measure, clinician_id: str | None, repos: Repositories) -> tuple[EpisodeCourse | None, bool]:
    """The episode a measure counts towards: its own, else the client's episode open when it was taken."""
    if measure.episode_id is None:
        return course_at(repos.courses.for_client(measure.client_id), measure.administered_at), False
    course, is_new = _course(measure.episode_id, measure.client_id, repos)
    course.clinician_id = course.clinician_id or clinician_id
    return course, is_new


def _course(episode_id: str, client_id: str, repos: Repositories) -> tuple[EpisodeCourse, bool]:
    """The episode as outcomes knows it, or a new one (the event that names it may arrive first)."""
    course = repos.courses.get(episode_id)
    if course is None:
        return EpisodeCourse(episode_id=episode_id, client_id=client_id), True
    return course, False


def _review(
    course: EpisodeCourse,
    is_new: bool,
    cause: Measure | None,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    policy: Policy,
    extra: Sequence[Measure] = (),
) -> None:
    """Reviews the episode with its stored measures and the ones this unit of work adds, then keeps it."""
    adding = {m.measure_id: m for m in [*extra, *([cause] if cause else [])]}
    stored = [m for m in repos.measures.for_episode(course.episode_id) if m.measure_id not in adding]
    measures = [*stored, *adding.values()]
    course.review(measures, policy.alerts, now, cause)
    (repos.courses.add if is_new else repos.courses.save)(course, uow)
    _summarise(course, measures, uow, repos)


def _summarise(
    course: EpisodeCourse,
    measures: Iterable[Measure],
    uow: UnitOfWork,
    repos: Repositories,
    admission: Admission | None = None,
) -> None:
    """Rebuilds the episode's summary for the program reports, in the same unit of work."""
    admission = admission or repos.admissions.get(course.client_id)
    enrolment = None if course.program else repos.enrolments.get(course.client_id)
    summary = course.summary(
        measures,
        admission.primary_problem_area if admission else None,
        enrolment.program if enrolment else None,
    )
    if summary is not None:
        repos.summaries.put(summary, uow)


# The review every newly recorded measure goes through (self-reports too: services/outcomes/self_report.py).
review_episode = _review
