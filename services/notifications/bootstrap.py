"""Composition root of the notifications service."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask
from pymongo.database import Database

from services.notifications import handlers
from services.notifications.adapters.recipients import (
    InMemoryRecipientRepository,
    MongoRecipientRepository,
    RecipientRepository,
    ensure_indexes,
)
from services.notifications.entrypoints.http import recipients_api
from shared.config import Settings
from shared.service import build_service_app, service_database
from shared.worker import WorkerSpec

SERVICE = "notifications"


@dataclass
class Dependencies:
    recipients: RecipientRepository


def real_dependencies(db: Database) -> Dependencies:
    return Dependencies(recipients=MongoRecipientRepository(db))


def fake_dependencies() -> Dependencies:
    return Dependencies(recipients=InMemoryRecipientRepository())


def event_handlers(deps: Dependencies) -> dict:
    """The routing table of the notifications service."""
    return {"intake.client.registered": partial(handlers.remember_recipient, recipients=deps.recipients)}


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    db = service_database(settings)
    return build_service_app(settings, title="Notifications API", blueprints=[recipients_api],
                             dependencies=deps or real_dependencies(db), db=db)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(service=SERVICE, build_handlers=lambda db: event_handlers(real_dependencies(db)),
                      ensure_indexes=ensure_indexes)
