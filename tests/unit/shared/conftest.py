"""Helpers for the shared-code and service-level unit tests, offered as fixtures (no package needed).

Apps are built by the composition roots with their fake dependencies: nothing here talks to
MongoDB or Kafka (creating an app only builds a lazy database handle).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from shared.auth import issue_token
from shared.config import SERVICES, Settings
from shared.uow import UnitOfWork

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
ROOT = Path(__file__).resolve().parents[3]


def make_settings(service: str, **env: str) -> Settings:
    return Settings.from_env(service, env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "INFO", **env})


def make_app(service: str, deps: Any = None, **env: str) -> Flask:
    bootstrap = import_module(f"services.{service}.bootstrap")
    return bootstrap.create_app(make_settings(service, **env), deps=deps or bootstrap.fake_dependencies())


def api_routes(app: Flask) -> list[tuple[str, str, Callable[..., Any]]]:
    """(rule, method, view function) for every /api route; MethodView methods found via view_class."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            view_class = getattr(view, "view_class", None)
            found.append((rule.rule, method, getattr(view_class, method.lower()) if view_class else view))
    return found


def concrete(rule: str) -> str:
    """A URL for a rule, every <converter:arg> filled with a placeholder id."""
    return re.sub(r"<[^>]+>", "placeholder-id", rule)


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def settings_for() -> Callable[..., Settings]:
    return make_settings


@pytest.fixture(params=SERVICES)
def any_app(request: pytest.FixtureRequest) -> Flask:
    return make_app(request.param)


@pytest.fixture
def routes_of() -> Callable[[Flask], list]:
    return api_routes


@pytest.fixture
def url_for_rule() -> Callable[[str], str]:
    return concrete


@pytest.fixture
def auth() -> Callable[..., dict[str, str]]:
    """Headers carrying a valid bearer token for `role`."""

    def headers(role: str, sub: str = "user-1") -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}

    return headers


@pytest.fixture
def registration() -> Callable[..., dict[str, Any]]:
    """A valid registration body; keyword arguments override fields."""

    def body(**overrides: Any) -> dict[str, Any]:
        base = {
            "given_name": "Alex",
            "family_name": "Example",
            "date_of_birth": "1990-04-01",
            "program": "co_occurring",
            "contact": {"email": "alex@example.org", "phone": "+15550100"},
            "preferred_channel": "sms",
        }
        return {**base, **overrides}

    return body


class RecordingIntake:
    """Intake fakes that keep every unit of work the app creates, to inspect its events."""

    def __init__(self) -> None:
        self.uows: list[UnitOfWork] = []
        self.deps = import_module("services.intake.bootstrap").fake_dependencies()
        make_uow = self.deps.uow
        self.deps.uow = lambda *args, **kwargs: self._keep(make_uow(*args, **kwargs))

    def _keep(self, uow: UnitOfWork) -> UnitOfWork:
        self.uows.append(uow)
        return uow

    @property
    def clients(self):
        return self.deps.repos.clients

    @property
    def events(self) -> list:
        return [event for uow in self.uows for event in uow.events]


@pytest.fixture
def intake() -> RecordingIntake:
    return RecordingIntake()


@pytest.fixture
def intake_app(intake: RecordingIntake) -> Flask:
    return make_app("intake", deps=intake.deps, MAX_REQUEST_BYTES="4096")


@pytest.fixture
def client(intake_app: Flask):
    return intake_app.test_client()


@pytest.fixture
def project_root() -> Path:
    return ROOT
