"""Use cases of the intake service: load, call the domain, save, commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from services.intake.adapters.clients import ClientRepository, ScreeningRepository
from services.intake.domain import work_queue
from services.intake.domain.admission import Admission
from services.intake.domain.assessment import EVERY_AREA_ALLOWED, Assessment, ProblemAreaPolicy
from services.intake.domain.client import Client, Registration
from services.intake.domain.consent import Consent
from services.intake.domain.risk import RiskFlag
from services.intake.domain.screening import Screening, administer
from shared.auth import Principal
from shared.errors import AlreadyExists, Conflict, NotFound
from shared.uow import UnitOfWork

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
    if request_key and (earlier := repos.clients.registered_by_request(request_key)):
        return get_client(earlier, repos)
    client = Client.register(registration, by=by, now=now)
    candidates = repos.clients.possible_duplicates(client)
    if candidates and not allow_duplicate:
        raise PossibleDuplicate(candidates)
    if treatment_consent:
        client.record_consent(Consent.new(kind="treatment", recorded_by=by, recorded_at=now, **treatment_consent))
    repos.clients.add(client, uow, request_key=request_key)
    try:
        uow.commit()
    except AlreadyExists:
        # The same request arrived twice at once and the other copy committed first.
        earlier = repos.clients.registered_by_request(request_key) if request_key else None
        if earlier is None:
            raise
        return get_client(earlier, repos)
    return client


def get_client(client_id: str, repos: Repositories) -> Client:
    client = repos.clients.get(client_id)
    if client is None:
        raise NotFound(f"client {client_id}")
    return client


def search_clients(query: str, repos: Repositories) -> list[Client]:
    return repos.clients.search(query)


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
) -> tuple[Screening, RiskFlag | None]:
    """Scores and stores a screening; risk found in it raises a flag in the same transaction."""
    client = get_client(client_id, repos)
    screening = administer(client.id, instrument, answers, extras, client.registration.sex_at_birth, by, now, cutoffs)
    flag = client.screening_recorded(screening.id, screening.result, by, now)
    repos.screenings.add(screening, uow)
    if flag is not None:
        repos.clients.save(client, uow)
    uow.commit()
    return screening, flag


def list_screenings(client_id: str, repos: Repositories) -> list[Screening]:
    get_client(client_id, repos)
    return repos.screenings.for_client(client_id)


def get_screening(client_id: str, screening_id: str, repos: Repositories) -> Screening:
    screening = repos.screenings.get(client_id, screening_id)
    if screening is None:
        raise NotFound(f"screening {screening_id}")
    return screening


def _change(client_id: str, uow: UnitOfWork, repos: Repositories, change: Callable[[Client], T]) -> T:
    """Load, apply one domain change, save, commit: the shape of every update. The events the
    change raised go to the outbox with the save."""
    client = get_client(client_id, repos)
    outcome = change(client)
    repos.clients.save(client, uow)
    uow.commit()
    return outcome


def flag_risk(
    client_id: str, urgency: str, note: str | None, by: str, now: datetime, uow: UnitOfWork, repos: Repositories
) -> RiskFlag:
    return _change(client_id, uow, repos, lambda c: c.flag_risk(urgency, by, now, note))


def clear_risk(
    client_id: str, flag_id: str, reason: str, principal: Principal, now: datetime, uow: UnitOfWork, repos: Repositories
) -> RiskFlag:
    return _change(client_id, uow, repos, lambda c: c.clear_risk(flag_id, principal.sub, principal.role, reason, now))


def record_consent(
    client_id: str, fields: dict[str, Any], by: str, now: datetime, uow: UnitOfWork, repos: Repositories
) -> Consent:
    return _change(
        client_id, uow, repos, lambda c: c.record_consent(Consent.new(recorded_by=by, recorded_at=now, **fields))
    )


def revoke_consent(
    client_id: str, consent_id: str, by: str, now: datetime, uow: UnitOfWork, repos: Repositories
) -> Consent:
    return _change(client_id, uow, repos, lambda c: c.revoke_consent(consent_id, by, now))


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


def admit_client(
    client_id: str,
    admission: Admission,
    uow: UnitOfWork,
    repos: Repositories,
    policy: ProblemAreaPolicy = EVERY_AREA_ALLOWED,
) -> Client:
    def change(client: Client) -> Client:
        client.admit(admission, admission.admitted_at, policy)
        return client

    return _change(client_id, uow, repos, change)


def work_queue_entries(repos: Repositories) -> list[tuple[work_queue.QueueEntry, Client]]:
    clients = repos.clients.needing_attention()
    done = repos.screenings.instruments_done([c.id for c in clients])
    by_id = {c.id: c for c in clients}
    entries = [e for e in (work_queue.entry_for(c, done.get(c.id, set())) for c in clients) if e is not None]
    return [(entry, by_id[entry.client_id]) for entry in work_queue.ordered(entries)]
