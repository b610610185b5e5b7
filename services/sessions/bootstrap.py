"""Composition root of the sessions service: wires real or fake adapters to the handlers.

The same five parts in every service: `Dependencies`, `real_dependencies`,
`fake_dependencies`, `event_handlers` (the routing table) and `create_app` / `worker_spec`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask
from pymongo.database import Database

from services.sessions import handlers
from services.sessions.adapters import COLLECTIONS
from services.sessions.adapters.episodes import EpisodeRepository
from services.sessions.entrypoints.access import ROUTE_ROLES
from services.sessions.entrypoints.api import episodes_api
from shared.config import Settings
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.uow import UnitOfWork
from shared.worker import WorkerSpec

SERVICE = "sessions"


@dataclass
class Dependencies:
    episodes: EpisodeRepository
    uow: Callable[..., UnitOfWork]
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect


def _build(
    stores: StoreFactory, uow: Callable[..., UnitOfWork], memory: InMemoryDatabase | None = None
) -> Dependencies:
    return Dependencies(episodes=EpisodeRepository(stores), uow=uow, memory=memory)


def real_dependencies(db: Database[Any]) -> Dependencies:
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE))


def fake_dependencies() -> Dependencies:
    memory = InMemoryDatabase()
    return _build(memory.stores, memory.unit_of_work(SERVICE), memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: which event types this service consumes, and with which handler."""
    return {
        "intake.client.registered": partial(handlers.open_episode_for_registered_client, episodes=deps.episodes),
        "intake.client.admitted": partial(handlers.activate_episode_for_admitted_client, episodes=deps.episodes),
        "intake.client.updated": partial(handlers.follow_program_correction, episodes=deps.episodes),
    }


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    app = build_service_app(
        settings,
        title="Sessions API",
        blueprints=[episodes_api],
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
