"""Turns validated request bodies into domain objects and calls the handlers.

Shared by the JSON API and the staff UI, so both apply exactly the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.intake import handlers
from services.intake.domain.admission import Admission
from services.intake.domain.assessment import Assessment, LifeEvent, ProblemArea, ProblemAreas, Relationship
from services.intake.domain.client import CORRECTABLE, Client, Contact, Referral, Registration
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.errors import Invalid, StaleWrite
from shared.instruments import INSTRUMENTS
from shared.retry import IMMEDIATE, on_conflict, retry

if TYPE_CHECKING:
    from services.intake.bootstrap import Dependencies

SCREENING_ATTEMPTS = 3
EXTRA_FIELDS = ("difficulty", "q6_recent", "same_period", "problem_level", "sex_at_birth")


def register(body: dict[str, Any], deps: Dependencies) -> Client:
    registration = Registration(
        given_name=body["given_name"].strip(),
        family_name=body["family_name"].strip(),
        date_of_birth=body["date_of_birth"],
        program=body["program"],
        contact=Contact(**body["contact"]),
        preferred_channel=body["preferred_channel"],
        sex_at_birth=body.get("sex_at_birth"),
        referral=Referral(**(body.get("referral") or {})),
    )
    return handlers.register_client(
        registration,
        by=current_principal().sub,
        now=utcnow(),
        uow=deps.uow(),
        repos=deps.repos,
        allow_duplicate=body.get("allow_duplicate", False),
        treatment_consent=body.get("treatment_consent"),
        request_key=body.get("request_key"),
    )


def correct(
    client_id: str,
    body: dict[str, Any],
    deps: Dependencies,
    expected_version: int | None = None,
    request_key: str | None = None,
) -> tuple[Client, tuple[str, ...]]:
    changes = {name: body[name] for name in CORRECTABLE if name in body}
    for name in ("given_name", "family_name"):
        if name in changes:
            changes[name] = changes[name].strip()
    return handlers.correct_client(
        client_id,
        changes,
        current_principal().sub,
        utcnow(),
        deps.uow(),
        deps.repos,
        allow_duplicate=body.get("allow_duplicate", False),
        expected_version=expected_version,
        request_key=request_key,
    )


def screen(client_id: str, body: dict[str, Any], deps: Dependencies, request_key: str | None = None) -> dict[str, Any]:
    if body["instrument"] not in INSTRUMENTS:
        raise Invalid({"instrument": [f"Unknown instrument; use one of: {', '.join(INSTRUMENTS)}."]})
    extras = {name: body[name] for name in EXTRA_FIELDS if body.get(name) is not None}
    by = current_principal().sub
    # Recording a screening commutes with any other change to the client, so a concurrent edit
    # (someone recording a consent) is retried on fresh data instead of losing the answers.
    screening, flag = retry(
        lambda: handlers.administer_screening(
            client_id,
            body["instrument"],
            body["answers"],
            extras,
            by,
            utcnow(),
            deps.uow(),
            deps.repos,
            deps.screening_cutoffs,
            request_key,
        ),
        should_retry=on_conflict((StaleWrite,), SCREENING_ATTEMPTS),
        backoff=IMMEDIATE,
    )
    return {**vars(screening), "risk_flag": flag}


def _area(raw: dict[str, Any]) -> ProblemArea:
    return ProblemArea(area=raw["area"], stage=raw.get("stage"))


def problem_areas(raw: dict[str, Any]) -> ProblemAreas:
    secondary = raw.get("secondary")
    return ProblemAreas(primary=_area(raw["primary"]), secondary=None if secondary is None else _area(secondary))


def assessment(body: dict[str, Any]) -> Assessment:
    return Assessment(
        relationships=tuple(Relationship(**r) for r in body["relationships"]),
        life_events=tuple(LifeEvent(**e) for e in body.get("life_events", [])),
        problem_areas=problem_areas(body["problem_areas"]),
        notes=body.get("notes", ""),
        assessed_by=current_principal().sub,
        assessed_at=utcnow(),
    )


def record_assessment(client_id: str, body: dict[str, Any], deps: Dependencies) -> Assessment:
    return handlers.record_assessment(client_id, assessment(body), deps.uow(), deps.repos, deps.problem_area_policy)


def admit(client_id: str, body: dict[str, Any], deps: Dependencies, request_key: str | None = None) -> Client:
    override = body.get("override") or {}
    reason = override.get("reason") if override.get("confirmed") else None
    role = current_principal().role
    return handlers.admit_client(
        client_id, admission(body), role, deps.uow(), deps.repos, reason, deps.problem_area_policy, request_key
    )


def admission(body: dict[str, Any]) -> Admission:
    return Admission(
        track=body["track"],
        problem_areas=problem_areas(body["problem_areas"]),
        preferred_days=tuple(body.get("preferred_days", [])),
        preferred_times=tuple(body.get("preferred_times", [])),
        clinician_preference=body.get("clinician_preference"),
        admitted_by=current_principal().sub,
        admitted_at=utcnow(),
    )
