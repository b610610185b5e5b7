"""Composition root of the outcomes service: wires real or fake adapters to the handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask
from pymongo.database import Database

from services.outcomes import handlers
from services.outcomes.adapters import COLLECTIONS
from services.outcomes.adapters.projections import EnrolmentRepository, MeasureRepository
from services.outcomes.entrypoints.access import ROUTE_ROLES
from services.outcomes.entrypoints.api import measures_api, reports_api
from shared.config import Settings
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.uow import UnitOfWork
from shared.worker import WorkerSpec

SERVICE = "outcomes"


@dataclass
class Dependencies:
    enrolments: EnrolmentRepository
    measures: MeasureRepository
    uow: Callable[..., UnitOfWork]
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect


def _build(
    stores: StoreFactory, uow: Callable[..., UnitOfWork], memory: InMemoryDatabase | None = None
) -> Dependencies:
    return Dependencies(
        enrolments=EnrolmentRepository(stores), measures=MeasureRepository(stores), uow=uow, memory=memory
    )


def real_dependencies(db: Database[Any]) -> Dependencies:
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE))


def fake_dependencies() -> Dependencies:
    memory = InMemoryDatabase()
    return _build(memory.stores, memory.unit_of_work(SERVICE), memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: which event types this service consumes, and with which handler."""
    return {
        "intake.client.registered": partial(handlers.record_enrolment, enrolments=deps.enrolments),
        "intake.client.updated": partial(handlers.record_enrolment, enrolments=deps.enrolments),
        "intake.screening.completed": partial(handlers.record_measure, measures=deps.measures),
        "sessions.measure.recorded": partial(handlers.record_session_measure, measures=deps.measures),
    }


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    app = build_service_app(
        settings,
        title="Outcomes API",
        blueprints=[reports_api, measures_api],
        route_roles=ROUTE_ROLES,
        dependencies=deps or real_dependencies(service_database(settings)),
    )
    return finish_service_app(app, settings)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(
        service=SERVICE,
        build_handlers=lambda db: event_handlers(real_dependencies(db)),
        ensure_indexes=lambda db: ensure_indexes(db, COLLECTIONS),
    )
