"""Composition root of the outcomes service."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask
from pymongo.database import Database

from services.outcomes import handlers
from services.outcomes.adapters.enrolments import (
    EnrolmentRepository,
    InMemoryEnrolmentRepository,
    MongoEnrolmentRepository,
    ensure_indexes,
)
from services.outcomes.entrypoints.http import reports_api
from shared.config import Settings
from shared.service import build_service_app, service_database
from shared.worker import WorkerSpec

SERVICE = "outcomes"


@dataclass
class Dependencies:
    enrolments: EnrolmentRepository


def real_dependencies(db: Database) -> Dependencies:
    return Dependencies(enrolments=MongoEnrolmentRepository(db))


def fake_dependencies() -> Dependencies:
    return Dependencies(enrolments=InMemoryEnrolmentRepository())


def event_handlers(deps: Dependencies) -> dict:
    """The routing table of the outcomes service."""
    return {"intake.client.registered": partial(handlers.record_enrolment, enrolments=deps.enrolments)}


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    db = service_database(settings)
    return build_service_app(settings, title="Outcomes API", blueprints=[reports_api],
                             dependencies=deps or real_dependencies(db), db=db)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(service=SERVICE, build_handlers=lambda db: event_handlers(real_dependencies(db)),
                      ensure_indexes=ensure_indexes)
