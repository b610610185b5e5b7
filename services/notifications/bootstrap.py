"""Composition root of the notifications service: wires real or fake adapters to the handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask
from pymongo.database import Database

from services.notifications import handlers
from services.notifications.adapters import COLLECTIONS
from services.notifications.adapters.alerts import AlertRepository
from services.notifications.adapters.recipients import RecipientRepository
from services.notifications.entrypoints.access import ROUTE_ROLES
from services.notifications.entrypoints.api import alerts_api, recipients_api
from shared.config import Settings
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.envelope import utcnow
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.uow import UnitOfWork
from shared.worker import PeriodicTask, WorkerSpec

SERVICE = "notifications"
ESCALATION_CHECK_SECONDS = 30.0


@dataclass
class Dependencies:
    recipients: RecipientRepository
    alerts: AlertRepository
    uow: Callable[..., UnitOfWork]
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect


def _build(
    stores: StoreFactory, uow: Callable[..., UnitOfWork], memory: InMemoryDatabase | None = None
) -> Dependencies:
    return Dependencies(recipients=RecipientRepository(stores), alerts=AlertRepository(stores), uow=uow, memory=memory)


def real_dependencies(db: Database[Any]) -> Dependencies:
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE))


def fake_dependencies() -> Dependencies:
    memory = InMemoryDatabase()
    return _build(memory.stores, memory.unit_of_work(SERVICE), memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: which event types this service consumes, and with which handler."""
    return {
        "intake.client.registered": partial(handlers.remember_recipient, recipients=deps.recipients),
        "intake.client.updated": partial(handlers.remember_recipient, recipients=deps.recipients),
        "intake.risk.flagged": partial(handlers.raise_alert_for_risk_flag, alerts=deps.alerts),
        "intake.risk.cleared": partial(handlers.resolve_alert_for_cleared_flag, alerts=deps.alerts),
    }


def periodic_tasks(deps: Dependencies) -> list[PeriodicTask]:
    return [
        PeriodicTask(
            "escalate-alerts",
            ESCALATION_CHECK_SECONDS,
            lambda: handlers.escalate_due_alerts(utcnow(), deps.uow, deps.alerts),
        )
    ]


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    app = build_service_app(
        settings,
        title="Notifications API",
        blueprints=[recipients_api, alerts_api],
        route_roles=ROUTE_ROLES,
        dependencies=deps or real_dependencies(service_database(settings)),
    )
    return finish_service_app(app, settings)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(
        service=SERVICE,
        build_handlers=lambda db: event_handlers(real_dependencies(db)),
        ensure_indexes=lambda db: ensure_indexes(db, COLLECTIONS),
        build_periodic=lambda db: periodic_tasks(real_dependencies(db)),
    )
