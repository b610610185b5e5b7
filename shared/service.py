"""Pieces every service's composition root uses to build its web app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app
from flask_smorest import Blueprint
from pymongo.database import Database

from shared.audit import AuditPublication, AuditTrail, OutboxWrite
from shared.audit_api import AUDIT_KEY
from shared.auth import RouteRoles
from shared.config import Settings
from shared.db import REQUEST_TIMEOUTS, database, ping, use_request_timeouts
from shared.envelope import Envelope
from shared.kafka import kafka_reachable
from shared.logs import configure_logging
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, mongo_unit_of_work
from shared.outbox import outbox_write
from shared.uow import StagedWrite
from shared.web import create_base_app, declare_route_metrics

DEPENDENCIES_KEY = "ipt.dependencies"
READINESS_CHECK_SECONDS = 1.0


def build_service_app(
    settings: Settings, *, title: str, blueprints: Iterable[Blueprint], route_roles: RouteRoles, dependencies: Any
) -> Flask:
    """A service app whose readiness checks its database and Kafka, with its adapters attached.

    The database client is made on the first probe, so an app built on fakes never opens one.
    """
    configure_logging(settings.service, settings.log_level)
    use_request_timeouts()
    app = create_base_app(
        settings,
        title=title,
        blueprints=blueprints,
        route_roles=route_roles,
        readiness={
            "mongodb": lambda: ping(service_database(settings), READINESS_CHECK_SECONDS),
            "kafka": lambda: kafka_reachable(settings.kafka_bootstrap_servers),
        },
    )
    app.extensions[DEPENDENCIES_KEY] = dependencies
    app.extensions[AUDIT_KEY] = _audit_trail(settings, dependencies)
    return app


def _audit_trail(settings: Settings, dependencies: Any) -> AuditTrail:
    """The service's audit trail: beside the fakes' storage when the app runs on fakes (tests read
    it there), else in the service's database; published through the same storage's outbox."""
    memory: InMemoryDatabase | None = getattr(dependencies, "memory", None)
    if memory is not None:
        publication = _publication(settings, _memory_outbox_write(memory))
        return AuditTrail(memory.stores, memory.unit_of_work(settings.service), publication)
    db = service_database(settings)
    publication = _publication(settings, outbox_write(db))
    return AuditTrail(MongoDocuments.factory(db), mongo_unit_of_work(db, settings.service), publication)


def _publication(settings: Settings, write: OutboxWrite) -> AuditPublication | None:
    return AuditPublication(settings.audit_topic, write) if settings.audit_topic else None


def _memory_outbox_write(memory: InMemoryDatabase) -> OutboxWrite:
    # The fakes' outbox keeps events, not topics: every event committed, in order.
    def write_on(event: Envelope, _topic: str) -> StagedWrite:
        return lambda _session: memory.outbox.append(event)

    return write_on


def finish_service_app(app: Flask, settings: Settings) -> Flask:
    """The last step of a composition root, once every blueprint (UI pages too) is registered."""
    declare_route_metrics(app, settings.service)
    return app


def service_database(settings: Settings) -> Database[Any]:
    """The web process's handle on its service's database: requests give up on it quickly."""
    return database(settings.mongo_uri, settings.database, REQUEST_TIMEOUTS)


def dependencies() -> Any:
    """The adapters the composition root attached to the running app."""
    return current_app.extensions[DEPENDENCIES_KEY]
