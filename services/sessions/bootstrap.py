"""Composition root of the sessions service: wires real or fake adapters to the handlers.

The same five parts in every service: `Dependencies`, `real_dependencies`,
`fake_dependencies`, `event_handlers` (the routing table) and `create_app` / `worker_spec`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask
from pymongo.database import Database

from services.sessions import handlers
from services.sessions.adapters import COLLECTIONS
from services.sessions.adapters.alerts import StaffAlertRepository
from services.sessions.adapters.clients import ClientCardRepository
from services.sessions.adapters.clinicians import ClinicianRepository
from services.sessions.adapters.episodes import EpisodeRepository
from services.sessions.adapters.groups import GroupRepository
from services.sessions.adapters.outcomes import OutcomeWatchRepository
from services.sessions.adapters.risk import RiskWatchRepository
from services.sessions.adapters.scores import ScoreRepository
from services.sessions.adapters.sessions import SessionRepository
from services.sessions.domain.phases import PhasePlan
from services.sessions.entrypoints.access import ROUTE_ROLES
from services.sessions.entrypoints.api import clinicians_api, episodes_api, groups_api, sessions_api
from services.sessions.entrypoints.ui import ui
from services.sessions.handlers import Policy, Repositories
from shared.audit_api import audit_api
from shared.config import Settings
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.emergency_access import EMERGENCY_ACCESS_GRANTED
from shared.emergency_grants import EmergencyGrantRepository, keep_grant
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.uow import UnitOfWork
from shared.vocabulary import PROGRAMS
from shared.web import AUDITED_LISTS_KEY
from shared.worker import WorkerSpec

# Lists of clients audited even when they show none (shared/web.py audits what names a client).
AUDITED_LISTS = ("clinicians.Caseload", "clinicians.Schedule", "groups.Groups", "ui.caseload", "ui.alerts")

SERVICE = "sessions"


@dataclass
class Dependencies:
    repos: Repositories
    uow: Callable[..., UnitOfWork]
    policy: Policy
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect


def phase_plans(env: Mapping[str, str]) -> dict[str, PhasePlan]:
    """PHASE_BOUNDARIES="mental_health=3/3,substance_use=4/3": per program, how many sessions the
    initial phase and the termination phase last (manuals differ; unset programs use 3 and 3).

    Checked at start-up, so a mistyped setting stops the service instead of mislabelling phases.
    """
    plans: dict[str, PhasePlan] = {}
    for pair in filter(None, (p.strip() for p in env.get("PHASE_BOUNDARIES", "").split(","))):
        program, _, counts = pair.partition("=")
        initial, _, termination = counts.partition("/")
        if program.strip() not in PROGRAMS:
            raise ValueError(f"PHASE_BOUNDARIES names an unknown program: {program!r}")
        plans[program.strip()] = PhasePlan(int(initial), int(termination))
    return plans


def _build(
    stores: StoreFactory, uow: Callable[..., UnitOfWork], env: Mapping[str, str], memory: InMemoryDatabase | None = None
) -> Dependencies:
    repos = Repositories(
        episodes=EpisodeRepository(stores),
        clinicians=ClinicianRepository(stores),
        sessions=SessionRepository(stores),
        risk=RiskWatchRepository(stores),
        groups=GroupRepository(stores),
        scores=ScoreRepository(stores),
        clients=ClientCardRepository(stores),
        outcomes=OutcomeWatchRepository(stores),
        alerts=StaffAlertRepository(stores),
        emergency=EmergencyGrantRepository(stores),
    )
    policy = Policy(phase_plans=phase_plans(env))
    return Dependencies(repos=repos, uow=uow, policy=policy, memory=memory)


def real_dependencies(db: Database[Any]) -> Dependencies:
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE), os.environ)


def fake_dependencies() -> Dependencies:
    memory = InMemoryDatabase()
    return _build(memory.stores, memory.unit_of_work(SERVICE), {}, memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: which event types this service consumes, and with which handler."""
    return {
        "intake.client.registered": partial(handlers.open_episode_for_registered_client, repos=deps.repos),
        "intake.client.admitted": partial(handlers.activate_episode_for_admitted_client, repos=deps.repos),
        "intake.client.updated": partial(handlers.follow_client_correction, repos=deps.repos),
        "intake.risk.flagged": partial(handlers.watch_risk_flag, repos=deps.repos),
        "intake.risk.cleared": partial(handlers.watch_risk_cleared, repos=deps.repos),
        "intake.screening.completed": partial(handlers.remember_screening_score, repos=deps.repos),
        "outcomes.status.changed": partial(handlers.watch_outcome_status, repos=deps.repos),
        "outcomes.alert.raised": partial(handlers.watch_outcome_alert, repos=deps.repos),
        EMERGENCY_ACCESS_GRANTED: partial(keep_grant, grants=deps.repos.emergency),
        **{
            f"notifications.alert.{change}": partial(handlers.watch_staff_alert, repos=deps.repos)
            for change in ("raised", "escalated", "acknowledged", "resolved")
        },
    }


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    app = build_service_app(
        settings,
        title="Sessions API",
        blueprints=[episodes_api, clinicians_api, sessions_api, groups_api, audit_api],
        route_roles=ROUTE_ROLES,
        dependencies=deps or real_dependencies(service_database(settings)),
    )
    app.register_blueprint(ui)  # the clinician workspace: server-rendered pages outside /api and OpenAPI
    app.config[AUDITED_LISTS_KEY] = AUDITED_LISTS
    return finish_service_app(app, settings)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(
        service=SERVICE,
        build_handlers=lambda db: event_handlers(real_dependencies(db)),
        ensure_indexes=lambda db: ensure_indexes(db, COLLECTIONS),
    )
