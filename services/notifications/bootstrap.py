"""Composition root of the notifications service."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask import Flask
from pymongo.database import Database

from services.notifications import handlers
from services.notifications.adapters.alerts import AlertRepository, InMemoryAlertRepository, MongoAlertRepository
from services.notifications.adapters.alerts import ensure_indexes as ensure_alert_indexes
from services.notifications.adapters.recipients import (
    InMemoryRecipientRepository,
    MongoRecipientRepository,
    RecipientRepository,
)
from services.notifications.entrypoints.http import alerts_api, recipients_api
from shared.config import Settings
from shared.envelope import utcnow
from shared.service import build_service_app, service_database
from shared.uow import FakeUnitOfWork, MongoUnitOfWork, UnitOfWork
from shared.worker import PeriodicTask, WorkerSpec

SERVICE = "notifications"
ESCALATION_CHECK_SECONDS = 30.0


@dataclass
class Dependencies:
    recipients: RecipientRepository
    alerts: AlertRepository
    uow: Callable[[], UnitOfWork]


def real_dependencies(db: Database) -> Dependencies:
    return Dependencies(recipients=MongoRecipientRepository(db), alerts=MongoAlertRepository(db),
                        uow=lambda: MongoUnitOfWork(db, SERVICE))


def fake_dependencies() -> Dependencies:
    return Dependencies(recipients=InMemoryRecipientRepository(), alerts=InMemoryAlertRepository(),
                        uow=lambda: FakeUnitOfWork(SERVICE))


def event_handlers(deps: Dependencies) -> dict:
    """The routing table of the notifications service."""
    return {
        "intake.client.registered": partial(handlers.remember_recipient, recipients=deps.recipients),
        "intake.risk.flagged": partial(handlers.raise_alert_for_risk_flag, alerts=deps.alerts),
        "intake.risk.cleared": partial(handlers.resolve_alert_for_cleared_flag, alerts=deps.alerts),
    }


def periodic_tasks(deps: Dependencies) -> list[PeriodicTask]:
    return [PeriodicTask("escalate-alerts", ESCALATION_CHECK_SECONDS,
                         lambda: handlers.escalate_due_alerts(utcnow(), deps.uow, deps.alerts))]


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    return build_service_app(settings, title="Notifications API", blueprints=[recipients_api, alerts_api],
                             dependencies=deps or real_dependencies(service_database(settings)))


def worker_spec() -> WorkerSpec:
    return WorkerSpec(service=SERVICE, build_handlers=lambda db: event_handlers(real_dependencies(db)),
                      ensure_indexes=ensure_alert_indexes,
                      build_periodic=lambda db: periodic_tasks(real_dependencies(db)))
