"""Composition root of the intake service: wires real or fake adapters to the handlers."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from pymongo.database import Database

from services.intake import handlers
from services.intake.adapters import COLLECTIONS
from services.intake.adapters.access import AccessRepository, GrantRepository
from services.intake.adapters.clients import ClientRepository, RequestKeys, ScreeningRepository
from services.intake.domain.assessment import ProblemAreaPolicy
from services.intake.domain.emergency_access import DEFAULT_MINUTES, grant_minutes
from services.intake.entrypoints.access import AUDITED_LISTS, ROUTE_ROLES
from services.intake.entrypoints.api import clients_api, instruments_api
from services.intake.entrypoints.emergency_api import emergency_api
from services.intake.entrypoints.ui import ui
from services.intake.handlers import Repositories
from shared.audit_api import audit_api
from shared.config import Settings, centre_time_zone
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.instruments.registry import screening_cutoffs
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.supervision import SUPERVISOR_CHANGED
from shared.supervision_records import SupervisionRepository, keep_supervision
from shared.uow import UnitOfWork
from shared.vocabulary import PROGRAMS
from shared.web import AUDITED_LISTS_KEY
from shared.worker import WorkerSpec

SERVICE = "intake"


@dataclass
class Dependencies:
    repos: Repositories
    uow: Callable[..., UnitOfWork]
    screening_cutoffs: Mapping[str, int] = field(default_factory=dict)
    problem_area_policy: ProblemAreaPolicy = field(default_factory=ProblemAreaPolicy)
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))  # pages show times in it
    emergency_minutes: int = DEFAULT_MINUTES  # how long an emergency access grant lasts
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect


def problem_area_policy(env: Mapping[str, str]) -> ProblemAreaPolicy:
    """DEFICITS_PROGRAMS="mental_health,co_occurring": programs that may choose interpersonal
    deficits as a focus (unset: all of them)."""
    raw = env.get("DEFICITS_PROGRAMS")
    if raw is None:
        return ProblemAreaPolicy()
    programs = frozenset(p.strip() for p in raw.split(",") if p.strip())
    unknown = programs - set(PROGRAMS)
    if unknown:
        raise ValueError(f"DEFICITS_PROGRAMS names unknown programs: {sorted(unknown)}")
    return ProblemAreaPolicy(deficits_programs=programs)


def _build(
    stores: StoreFactory,
    uow: Callable[..., UnitOfWork],
    memory: InMemoryDatabase | None = None,
    env: Mapping[str, str] | None = None,
) -> Dependencies:
    """Settings come from `env`; unit tests pass none and get the defaults (times in UTC)."""
    env = env or {}
    return Dependencies(
        repos=Repositories(
            clients=ClientRepository(stores),
            screenings=ScreeningRepository(stores),
            requests=RequestKeys(stores),
            access=AccessRepository(stores),
            grants=GrantRepository(stores),
            supervision=SupervisionRepository(stores),
        ),
        emergency_minutes=grant_minutes(env.get("EMERGENCY_ACCESS_MINUTES")),
        uow=uow,
        time_zone=centre_time_zone(env) if env else ZoneInfo("UTC"),
        screening_cutoffs=screening_cutoffs(env),
        problem_area_policy=problem_area_policy(env),
        memory=memory,
    )


def real_dependencies(db: Database[Any]) -> Dependencies:
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE), env=os.environ)


def fake_dependencies() -> Dependencies:
    memory = InMemoryDatabase()
    return _build(memory.stores, memory.unit_of_work(SERVICE), memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: intake starts the workflow, and owns the risk flags wherever risk shows.
    Who may open a client's record follows sessions' caseload and teams, and the reach of
    notifications' alerts."""
    return {
        "sessions.measure.recorded": partial(handlers.flag_risk_from_session_measure, repos=deps.repos),
        "outcomes.score.recorded": partial(handlers.flag_risk_from_outcomes_measure, repos=deps.repos),
        "sessions.episode.assigned": partial(handlers.follow_assignment, repos=deps.repos),
        "sessions.episode.closed": partial(handlers.follow_episode_closed, repos=deps.repos),
        SUPERVISOR_CHANGED: partial(keep_supervision, supervision=deps.repos.supervision),
        "notifications.alert.raised": partial(handlers.follow_alert, repos=deps.repos),
        "notifications.alert.escalated": partial(handlers.follow_alert, repos=deps.repos),
        "notifications.alert.resolved": partial(handlers.follow_alert_resolved, repos=deps.repos),
    }


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    app = build_service_app(
        settings,
        title="Intake API",
        blueprints=[clients_api, instruments_api, emergency_api, audit_api],
        route_roles=ROUTE_ROLES,
        dependencies=deps or real_dependencies(service_database(settings)),
    )
    app.register_blueprint(ui)  # the staff UI: server-rendered pages outside /api and OpenAPI
    app.config[AUDITED_LISTS_KEY] = AUDITED_LISTS
    return finish_service_app(app, settings)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(
        service=SERVICE,
        build_handlers=lambda db: event_handlers(real_dependencies(db)),
        ensure_indexes=lambda db: ensure_indexes(db, COLLECTIONS),
    )
