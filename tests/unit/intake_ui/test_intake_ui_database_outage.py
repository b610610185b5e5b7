"""Staff pages and the client's self-report page with the database down: a page saying so, as a 503
with Retry-After, never the 500 page; the same at once while the circuit is open."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pymongo.errors import ServerSelectionTimeoutError

from services.intake import bootstrap as intake
from services.intake.entrypoints.ui import USERS_KEY
from services.outcomes import bootstrap as outcomes
from shared.config import Settings
from shared.memory import InMemoryDocuments
from shared.users import InMemoryUserStore
from shared.web import CIRCUIT_KEY
from tests.unit.intake_ui.conftest import SECRET
from tests.unit.intake_ui.test_intake_ui_pages import PASSWORD, sign_in
from tests.unit.outcomes.test_outcomes_self_report_page import offered

DETAIL = "db-7.internal:27017"


@pytest.fixture
def staff_app() -> Flask:
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    app = intake.create_app(settings, deps=intake.fake_dependencies())
    users = InMemoryUserStore()
    users.add("intake-user", "intake", PASSWORD)
    app.extensions[USERS_KEY] = users
    return app


@pytest.fixture
def signed_in(staff_app: Flask) -> FlaskClient:
    web = staff_app.test_client()
    assert sign_in(web).status_code == 302
    return web


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*_args, **_kwargs):
        raise ServerSelectionTimeoutError(DETAIL)

    for name in ("get", "find", "values", "count"):
        monkeypatch.setattr(InMemoryDocuments, name, down)


def assert_unavailable_page(response) -> str:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert DETAIL not in text and "Something went wrong" not in text
    return text


def test_a_staff_page_that_meets_the_database_down_says_so_with_retry_after(signed_in, database_down):
    text = assert_unavailable_page(signed_in.get("/ui/"))
    assert "Records cannot be reached just now" in text
    assert "Try again in 2 seconds" in text


def test_while_the_circuit_is_open_staff_pages_answer_the_same_page_at_once(staff_app):
    staff_app.extensions[CIRCUIT_KEY].trip()
    web = staff_app.test_client()
    assert "Records cannot be reached" in assert_unavailable_page(web.get("/ui/login"))


def test_the_self_report_page_with_the_database_down_is_a_503_with_retry_after(monkeypatch):
    deps = outcomes.fake_dependencies()
    link = offered(deps, "mental_health")
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    page = outcomes.create_app(settings, deps=deps).test_client()
    assert page.get(link).status_code == 200

    def down(*_args, **_kwargs):
        raise ServerSelectionTimeoutError(DETAIL)

    for name in ("get", "find", "values", "count"):
        monkeypatch.setattr(InMemoryDocuments, name, down)
    text = assert_unavailable_page(page.get(link))
    assert "try again" in text
