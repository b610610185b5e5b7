"""Pieces every service's composition root uses to build its web app."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app
from flask_smorest import Blueprint
from pymongo.database import Database

from shared.config import Settings
from shared.db import database, ping
from shared.kafka import kafka_reachable
from shared.logs import configure_logging
from shared.web import create_base_app

DEPENDENCIES_KEY = "ipt.dependencies"


def build_service_app(settings: Settings, *, title: str, blueprints: Iterable[Blueprint],
                      dependencies: Any) -> Flask:
    """A service app whose readiness checks its database and Kafka, with its adapters attached.

    The database client is made on the first probe, so an app built on fakes never opens one.
    """
    configure_logging(settings.service, settings.log_level)
    app = create_base_app(settings, title=title, blueprints=blueprints, readiness={
        "mongodb": lambda: ping(service_database(settings)),
        "kafka": lambda: kafka_reachable(settings.kafka_bootstrap_servers),
    })
    app.extensions[DEPENDENCIES_KEY] = dependencies
    return app


def service_database(settings: Settings) -> Database:
    return database(settings.mongo_uri, settings.database)


def dependencies() -> Any:
    """The adapters the composition root attached to the running app."""
    return current_app.extensions[DEPENDENCIES_KEY]
