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
)
from services.outcomes.adapters.enrolments import ensure_indexes as ensure_enrolment_indexes
from services.outcomes.adapters.measures import InMemoryMeasureRepository, MeasureRepository, MongoMeasureRepository
from services.outcomes.adapters.measures import ensure_indexes as ensure_measure_indexes
from services.outcomes.entrypoints.http import measures_api, reports_api
from shared.config import Settings
from shared.service import build_service_app, service_database
from shared.worker import WorkerSpec

SERVICE = "outcomes"


@dataclass
class Dependencies:
    enrolments: EnrolmentRepository
    measures: MeasureRepository


def real_dependencies(db: Database) -> Dependencies:
    return Dependencies(enrolments=MongoEnrolmentRepository(db), measures=MongoMeasureRepository(db))


def fake_dependencies() -> Dependencies:
    return Dependencies(enrolments=InMemoryEnrolmentRepository(), measures=InMemoryMeasureRepository())


def event_handlers(deps: Dependencies) -> dict:
    """The routing table of the outcomes service."""
    return {
        "intake.client.registered": partial(handlers.record_enrolment, enrolments=deps.enrolments),
        "intake.screening.completed": partial(handlers.record_measure, measures=deps.measures),
    }


def ensure_indexes(db: Database) -> None:
    ensure_enrolment_indexes(db)
    ensure_measure_indexes(db)


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    return build_service_app(settings, title="Outcomes API", blueprints=[reports_api, measures_api],
                             dependencies=deps or real_dependencies(service_database(settings)))


def worker_spec() -> WorkerSpec:
    return WorkerSpec(service=SERVICE, build_handlers=lambda db: event_handlers(real_dependencies(db)),
                      ensure_indexes=ensure_indexes)
