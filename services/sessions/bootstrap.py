"""Composition root of the sessions service: wires real or fake adapters to the handlers."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask
from pymongo.database import Database

from services.sessions import handlers
from services.sessions.adapters.episodes import (
    EpisodeRepository,
    InMemoryEpisodeRepository,
    MongoEpisodeRepository,
    ensure_indexes,
)
from services.sessions.entrypoints.http import episodes_api
from shared.config import Settings
from shared.service import build_service_app, service_database
from shared.worker import WorkerSpec

SERVICE = "sessions"


@dataclass
class Dependencies:
    episodes: EpisodeRepository


def event_handlers(deps: Dependencies) -> dict:
    """The routing table: which event types this service consumes, and with which handler."""
    return {
        "intake.client.registered": partial(handlers.open_episode_for_registered_client,
                                            episodes=deps.episodes),
        "intake.client.admitted": partial(handlers.activate_episode_for_admitted_client,
                                          episodes=deps.episodes),
    }


def real_dependencies(db: Database) -> Dependencies:
    return Dependencies(episodes=MongoEpisodeRepository(db))


def fake_dependencies() -> Dependencies:
    return Dependencies(episodes=InMemoryEpisodeRepository())


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    return build_service_app(settings, title="Sessions API", blueprints=[episodes_api],
                             dependencies=deps or real_dependencies(service_database(settings)))


def worker_spec() -> WorkerSpec:
    return WorkerSpec(service=SERVICE, build_handlers=lambda db: event_handlers(real_dependencies(db)),
                      ensure_indexes=ensure_indexes)
