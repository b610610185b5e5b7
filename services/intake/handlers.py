"""Use cases of the intake service: load, call the domain, save, commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from services.intake.adapters.access import AccessRepository, GrantRepository
from services.intake.adapters.clients import ClientRepository, RequestKeys, ScreeningRepository
from services.intake.domain import access, work_queue
from services.intake.domain.access import ClientFacts, Scope, Viewer
from services.intake.domain.admission import Admission, Gap
from services.intake.domain.assessment import EVERY_AREA_ALLOWED, Assessment, ProblemAreaPolicy
from services.intake.domain.caseload import AlertReach, CaseloadEntry
from services.intake.domain.client import Client, Registration
from services.intake.domain.consent import Consent
from services.intake.domain.emergency_access import AccessGrant
from services.intake.domain.risk import RiskFlag
from services.intake.domain.screening import Screening, administer
from shared.auth import Principal
from shared.emergency_access import NO_PASS, EmergencyPass
from shared.envelope import Envelope
from shared.errors import AlreadyExists, Conflict, NotFound, StaleWrite
from shared.roles import CLINICIAN, SUPERVISOR
from shared.supervision_records import SupervisionRepository
from shared.uow import UnitOfWork
from shared.vocabulary import MEASURE_SOURCES

_, _, OUTSIDE_SESSION, SELF_REPORT = MEASURE_SOURCES
SCORED_BY_OUTCOMES = (OUTSIDE_SESSION, SELF_REPORT)

T = TypeVar("T")


class PossibleDuplicate(Conflict):
    """Someone with the same name and date of birth is registered; staff must confirm."""

    def __init__(self, candidates: list[Client]) -> None:
        super().__init__(
            "A client with the same name and date of birth is already registered. "
            "Check the existing record, or resend with allow_duplicate=true.",
            duplicates=[c.id for c in candidates],
        )
        self.candidates = candidates


@dataclass
class Repositories:
    clients: ClientRepository
    screenings: ScreeningRepository
    requests: RequestKeys
    access: AccessRepository
    grants: GrantRepository
    supervision: SupervisionRepository  # sessions' teams (shared/supervision_records.py)


@dataclass(frozen=True)
class Once(Generic[T]):
    """A change applied at most once per request key: a resent form (double click) or a retried
    call gets the first result back instead of a second record."""

    operation: str
    key: str | None
    at: datetime
    identify: Callable[[T], str]  # the id to remember of what the change produced
    replay: Callable[[str], T]  # the first result again, from that id


def _commit_once(uow: UnitOfWork, repos: Repositories, once: Once[T] | None, stage: Callable[[], T]) -> T:
    """Stages the change (unless its key was seen before), remembers the key with it, commits."""
    key = once.key if once is not None else None
    if once is not None and key and (earlier := repos.requests.result_of(once.operation, key)) is not None:
        return once.replay(earlier)
    outcome = stage()
    if once is not None and key:
        repos.requests.remember(once.operation, key, once.identify(outcome), once.at, uow)
    try:
        uow.commit()
    except (AlreadyExists, StaleWrite):
        # Two copies of one request at the same moment: the other committed first.
        earlier = repos.requests.result_of(once.operation, key) if once is not None and key else None
        if once is None or earlier is None:
            raise
        return once.replay(earlier)
    return outcome


def register_client(
    registration: Registration,
    by: str,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    allow_duplicate: bool = False,
    treatment_consent: dict[str, Any] | None = None,
    request_key: str | None = None,
) -> Client:
    """Registers once per request key: a resent form (double click, retry) returns the first client."""

    def stage() -> Client:
        client = Client.register(registration, by=by, now=now)
        candidates = repos.clients.possible_duplicates(client)
        if candidates and not allow_duplicate:
            raise PossibleDuplicate(candidates)
        if treatment_consent:
            client.record_consent(Consent.new(kind="treatment", recorded_by=by, recorded_at=now, **treatment_consent))
        repos.clients.add(client, uow)
        return client

    once = Once("register", request_key, now, lambda client: client.id, lambda found: get_client(found, repos))
    return _commit_once(uow, repos, once, stage)


def get_client(client_id: str, repos: Repositories) -> Client:
    client = repos.clients.get(client_id)
    if client is None:
        raise NotFound(f"client {client_id}")
    return client


IDENTITY_FIELDS = frozenset({"given_name", "family_name", "date_of_birth"})


def correct_client(
    client_id: str,
    changes: dict[str, Any],
    by: str,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    allow_duplicate: bool = False,
    expected_version: int | None = None,
    request_key: str | None = None,
) -> tuple[Client, tuple[str, ...]]:
    """Corrects registration details; the client and the names of the fields that changed.

    `expected_version` is the version the form was drawn from: a form left open while someone
    else changed the record is refused rather than written over their change. A resent form
    (same request key) gets the first answer, not that refusal.
    """

    def stage() -> tuple[Client, tuple[str, ...]]:
        client = get_client(client_id, repos)
        if expected_version is not None and client.version != expected_version:
            raise StaleWrite("Someone changed this client's record after you opened the form; reload it and try again.")
        changed = client.correct_details(changes, by, now)
        if IDENTITY_FIELDS & set(changed) and not allow_duplicate:
            candidates = repos.clients.possible_duplicates(client)
            if candidates:
                raise PossibleDuplicate(candidates)
        if changed:
            repos.clients.save(client, uow)
        return client, changed

    def replay(found: str) -> tuple[Client, tuple[str, ...]]:
        client = get_client(found, repos)
        return client, client.corrections[-1].fields if client.corrections else ()

    return _commit_once(uow, repos, Once("correct", request_key, now, lambda done: done[0].id, replay), stage)


# -- who may know of which client (services/intake/domain/access.py) ---------------------------
def viewer_of(sub: str, role: str, repos: Repositories, emergency: EmergencyPass = NO_PASS) -> Viewer:
    """The caller as the access rules see them: a supervisor with their team, as sessions announced it."""
    return Viewer(sub, role, repos.supervision.team_seen_by(sub, role), emergency)


def client_facts(client: Client, repos: Repositories) -> ClientFacts:
    treating = repos.access.treating(client.id)
    return ClientFacts(
        status=client.status,
        clinician_id=treating.clinician_id if treating else None,
        former_clinician_id=treating.former_clinician_id if treating else None,
        alerted=repos.access.alerted(client.id),
        client_id=client.id,
    )


def ensure_visible(client_id: str, viewer: Viewer, repos: Repositories) -> Client:
    """The client, when the viewer may know of them; otherwise the same NotFound as for a client
    who does not exist, so a refusal tells nothing."""
    client = repos.clients.get(client_id)
    if client is None or not access.may_open(viewer, client_facts(client, repos)):
        raise NotFound(f"client {client_id}")
    return client


def may_open(viewer: Viewer, client: Client, repos: Repositories) -> bool:
    return access.may_open(viewer, client_facts(client, repos))


def scope_of(viewer: Viewer, repos: Repositories) -> Scope:
    if viewer.role == CLINICIAN:
        return access.scope_for(viewer, repos.access.clients_of(viewer.sub))
    if viewer.role == SUPERVISOR:
        own, others = repos.access.clients_of(viewer.sub), repos.access.treated_by_others(viewer.team | {viewer.sub})
        return access.scope_for(viewer, own, others)
    return access.scope_for(viewer)


def search_clients(
    query: str,
    viewer: Viewer,
    repos: Repositories,
    date_of_birth: date | None = None,
    offset: int = 0,
    limit: int = 0,
) -> tuple[list[Client], int]:
    """A page of the clients the viewer may know of, found by the start of their names (or their
    id); with a date of birth, by the exact full name and that date instead, which finds every
    client for those who register clients (a returning referral). And how many there are."""
    scope = scope_of(viewer, repos)
    if date_of_birth is None:
        return repos.clients.search(query, scope, offset, limit)
    if access.may_find_by_identity(viewer):
        scope = Scope(everyone=True)
    names = access.identity_keys(query.split())
    return repos.clients.with_identity(names, date_of_birth, scope, offset, limit)


# -- emergency ("break glass") access (services/intake/domain/emergency_access.py) ---------------
def find_for_emergency(
    given_name: str, family_name: str, date_of_birth: date, repos: Repositories, limit: int = 0
) -> tuple[list[Client], int]:
    """The clients registered under exactly this name and date of birth, whoever asks (as intake
    staff find a returning referral): a clinician breaking glass names the person to choose whom
    the grant is for. Nothing is opened by it; pages show no more of them than what was typed."""
    return repos.clients.with_identity([(given_name, family_name)], date_of_birth, Scope(everyone=True), 0, limit)


def break_glass(
    client_id: str, reason: str, by: str, now: datetime, minutes: int, uow: UnitOfWork, repos: Repositories
) -> tuple[AccessGrant, bool]:
    """A grant to read the client for `minutes`, and whether it is new: a grant of the same
    clinician for the same client still in force is answered instead of a second one. The client
    must exist; whether the clinician may otherwise know of them does not matter (that is the point)."""
    get_client(client_id, repos)
    current = [grant for grant in repos.grants.unexpired(by, now) if grant.client_id == client_id]
    if current:
        return max(current, key=lambda grant: grant.expires_at), False
    grant = AccessGrant.grant(client_id, by, reason, now, minutes)
    repos.grants.add(grant, uow)
    uow.commit()
    return grant, True


def emergency_grants(
    reviewed: bool | None,
    start: datetime | None,
    end: datetime | None,
    repos: Repositories,
    offset: int = 0,
    limit: int = 0,
) -> tuple[list[AccessGrant], int]:
    return repos.grants.listed(reviewed, start, end, offset, limit)


def review_grant(grant_id: str, note: str, by: str, now: datetime, uow: UnitOfWork, repos: Repositories) -> AccessGrant:
    grant = repos.grants.get(grant_id)
    if grant is None:
        raise NotFound(f"emergency access grant {grant_id}")
    grant.review(by, note, now)
    repos.grants.save(grant, uow)
    uow.commit()
    return grant


# -- what intake learns from sessions and notifications ----------------------------------------
def follow_assignment(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """The client's clinician: who may open the client's record here."""
    _follow_caseload(CaseloadEntry(data["client_id"], data["episode_id"], data["clinician_id"], event.time), uow, repos)


def follow_episode_closed(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A closed episode has no clinician any more (a later assignment of another episode stays)."""
    current = repos.access.treating(data["client_id"])
    if current is not None and current.episode_id == data["episode_id"]:
        former = current.clinician_id or data.get("clinician_id")
        _follow_caseload(CaseloadEntry(data["client_id"], data["episode_id"], None, event.time, former), uow, repos)
    else:
        uow.commit()


def _follow_caseload(entry: CaseloadEntry, uow: UnitOfWork, repos: Repositories) -> None:
    if entry.replaces(repos.access.treating(entry.client_id)):
        repos.access.put_caseload(entry, uow)
    uow.commit()


def follow_alert(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A risk alert reached someone (raised, or escalated to the next level): while it is open,
    they may open the client's record to review and clear the flag."""
    reach = repos.access.alert(data["alert_id"]) or AlertReach(data["alert_id"], data["client_id"])
    if reach.open:
        repos.access.put_alert(reach.reached(data.get("recipient_id")), uow)
    uow.commit()


def follow_alert_resolved(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """The flag was cleared: the alert no longer opens the client's record to those it reached."""
    reach = repos.access.alert(data["alert_id"]) or AlertReach(data["alert_id"], data["client_id"])
    repos.access.put_alert(reach.resolved(), uow)
    uow.commit()


def administer_screening(
    client_id: str,
    instrument: str,
    answers: list,
    extras: dict[str, Any],
    by: str,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    cutoffs: Mapping[str, int] | None = None,
    request_key: str | None = None,
) -> tuple[Screening, RiskFlag | None]:
    """Scores and stores a screening; risk found in it raises a flag in the same transaction."""

    def stage() -> tuple[Screening, RiskFlag | None]:
        client = get_client(client_id, repos)
        sex = client.registration.sex_at_birth
        screening = administer(client.id, instrument, answers, extras, sex, by, now, cutoffs)
        flag = client.screening_recorded(screening.id, screening.result, by, now)
        repos.screenings.add(screening, uow)
        if flag is not None:
            repos.clients.save(client, uow)
        return screening, flag

    def replay(screening_id: str) -> tuple[Screening, RiskFlag | None]:
        flags = get_client(client_id, repos).risk_flags
        return get_screening(client_id, screening_id, repos), next(
            (flag for flag in flags if flag.screening_id == screening_id), None
        )

    return _commit_once(uow, repos, Once("screening", request_key, now, lambda done: done[0].id, replay), stage)


def flag_risk_from_session_measure(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A measure given in a session that shows suicide risk raises the flag here, as at intake."""
    if data.get("risk_urgency"):
        client = repos.clients.get(data["client_id"])
        if client is not None and client.measure_showed_risk(
            data["measure_id"],
            data["risk_urgency"],
            data["risk_source"],
            data["instrument"],
            data["clinician_id"],
            event.time,
        ):
            repos.clients.save(client, uow)
    uow.commit()


def flag_risk_from_outcomes_measure(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories
) -> None:
    """A measure scored by outcomes — taken outside a session, or self-reported through a link —
    that shows suicide risk raises the flag here too (sessions' own measures arrive from sessions)."""
    if data.get("risk_urgency") and data["source"] in SCORED_BY_OUTCOMES:
        client = repos.clients.get(data["client_id"])
        raised_by = "client self-report" if data["source"] == SELF_REPORT else "outcomes"
        if client is not None and client.measure_showed_risk(
            data["measure_id"], data["risk_urgency"], data["risk_source"], data["instrument"], raised_by, event.time
        ):
            repos.clients.save(client, uow)
    uow.commit()


def list_screenings(client_id: str, repos: Repositories) -> list[Screening]:
    get_client(client_id, repos)
    return repos.screenings.for_client(client_id)


def get_screening(client_id: str, screening_id: str, repos: Repositories) -> Screening:
    screening = repos.screenings.get(client_id, screening_id)
    if screening is None:
        raise NotFound(f"screening {screening_id}")
    return screening


def _change(
    client_id: str, uow: UnitOfWork, repos: Repositories, change: Callable[[Client], T], once: Once[T] | None = None
) -> T:
    """Load, apply one domain change, save, commit: the shape of every update. The events the
    change raised go to the outbox with the save."""

    def stage() -> T:
        client = get_client(client_id, repos)
        outcome = change(client)
        repos.clients.save(client, uow)
        return outcome

    return _commit_once(uow, repos, once, stage)


def _flag_once(operation: str, key: str | None, now: datetime, client_id: str, repos: Repositories) -> Once[RiskFlag]:
    return Once(operation, key, now, lambda flag: flag.id, lambda found: get_client(client_id, repos).risk_flag(found))


def _consent_once(operation: str, key: str | None, now: datetime, client_id: str, repos: Repositories) -> Once[Consent]:
    return Once(operation, key, now, lambda c: c.id, lambda found: get_client(client_id, repos).consent(found))


def flag_risk(
    client_id: str,
    urgency: str,
    note: str | None,
    by: str,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    request_key: str | None = None,
) -> RiskFlag:
    once = _flag_once("flag_risk", request_key, now, client_id, repos)
    return _change(client_id, uow, repos, lambda c: c.flag_risk(urgency, by, now, note), once)


def clear_risk(
    client_id: str,
    flag_id: str,
    reason: str,
    principal: Principal,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    request_key: str | None = None,
) -> RiskFlag:
    once = _flag_once("clear_risk", request_key, now, client_id, repos)
    return _change(
        client_id, uow, repos, lambda c: c.clear_risk(flag_id, principal.sub, principal.role, reason, now), once
    )


def record_consent(
    client_id: str,
    fields: dict[str, Any],
    by: str,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    request_key: str | None = None,
) -> Consent:
    once = _consent_once("record_consent", request_key, now, client_id, repos)
    return _change(
        client_id,
        uow,
        repos,
        lambda c: c.record_consent(Consent.new(recorded_by=by, recorded_at=now, **fields)),
        once,
    )


def revoke_consent(
    client_id: str,
    consent_id: str,
    by: str,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    request_key: str | None = None,
    reason: str | None = None,
) -> Consent:
    once = _consent_once("revoke_consent", request_key, now, client_id, repos)
    return _change(client_id, uow, repos, lambda c: c.revoke_consent(consent_id, by, now, reason), once)


def record_assessment(
    client_id: str,
    assessment: Assessment,
    uow: UnitOfWork,
    repos: Repositories,
    policy: ProblemAreaPolicy = EVERY_AREA_ALLOWED,
) -> Assessment:
    def change(client: Client) -> Assessment:
        client.record_assessment(assessment, policy)
        return assessment

    return _change(client_id, uow, repos, change)


def admission_gaps(client_id: str, role: str, today: date, repos: Repositories) -> list[Gap]:
    """What is still missing before this client can be admitted (empty when ready)."""
    client = get_client(client_id, repos)
    return client.admission_gaps(_due_screenings(client, repos), today, role)


def admit_client(
    client_id: str,
    admission: Admission,
    role: str,
    uow: UnitOfWork,
    repos: Repositories,
    override_reason: str | None = None,
    policy: ProblemAreaPolicy = EVERY_AREA_ALLOWED,
    request_key: str | None = None,
) -> Client:
    def change(client: Client) -> Client:
        gaps = client.admission_gaps(_due_screenings(client, repos), admission.admitted_at.date(), role)
        client.admit(admission, gaps, override_reason, policy)
        return client

    once = Once("admit", request_key, admission.admitted_at, lambda c: c.id, lambda found: get_client(found, repos))
    return _change(client_id, uow, repos, change, once)


def _due_screenings(client: Client, repos: Repositories) -> tuple[str, ...]:
    done = repos.screenings.instruments_done([client.id])[client.id]
    return work_queue.due_screenings(client.registration.program, done)


def work_queue_entries(
    repos: Repositories, today: date, viewer: Viewer, stage: str | None = None, program: str | None = None
) -> list[tuple[work_queue.QueueEntry, Client]]:
    """The queue of the clients the viewer may know of, most pressing first; `stage` and
    `program` narrow it down."""
    scope = scope_of(viewer, repos)
    clients = [c for c in repos.clients.needing_attention(scope) if program is None or c.program == program]
    done = repos.screenings.instruments_done([c.id for c in clients])
    by_id = {c.id: c for c in clients}
    entries = [e for e in (work_queue.entry_for(c, done.get(c.id, set()), today) for c in clients) if e is not None]
    if stage is not None:
        entries = [e for e in entries if e.stage == stage]
    return [(entry, by_id[entry.client_id]) for entry in work_queue.ordered(entries)]
