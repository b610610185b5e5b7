"""Fixtures shared by the staff UI tests: a clock the tests move by hand (sign-in delays and sessions
run on it), and the intake app on fake repositories with the module's own `users` account store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.intake import bootstrap
from services.intake.entrypoints.ui import USERS_KEY
from shared.config import Settings
from shared.users import InMemoryUserStore

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


@pytest.fixture
def app(users: InMemoryUserStore, deps: bootstrap.Dependencies) -> Flask:
    """Each test module gives its own `users` fixture: the accounts its tests sign in with."""
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    app = bootstrap.create_app(settings, deps=deps)
    app.extensions[USERS_KEY] = users
    return app


@pytest.fixture
def web(app: Flask) -> FlaskClient:
    return app.test_client()
