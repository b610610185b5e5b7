"""The database down, as the web apps meet it: the fake store raises pymongo's own errors, and every
request that needs it is a 503 with Retry-After (JSON on the API, a page for staff and clients) —
at once while the circuit is open — never a 500 or a wait; health, metrics and docs still answer."""

from __future__ import annotations

import threading
import uuid

import pytest
from flask import Flask
from flask_smorest import Blueprint
from pymongo import _csot
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    NotPrimaryError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

from shared.auth import issue_token
from shared.availability import DatabaseCircuit
from shared.memory import FakeUnitOfWork, InMemoryDocuments
from shared.request_text import NOT_TEXT_MESSAGE
from shared.web import CIRCUIT_KEY, WRITE_BUDGET_SECONDS, Readiness, create_base_app

SECRET_DETAIL = "db-7.internal:27017 replicaSet=rs0"
UNAVAILABLE = [
    ServerSelectionTimeoutError(SECRET_DETAIL),
    AutoReconnect(SECRET_DETAIL),
    NetworkTimeout(SECRET_DETAIL),
    NotPrimaryError(SECRET_DETAIL),
    ConnectionFailure(SECRET_DETAIL),
    ExecutionTimeout(SECRET_DETAIL, 50),
    WTimeoutError(SECRET_DETAIL, 64),
]


class Outage:
    """While `error` is set, every read of the fake store raises it, as pymongo does when the server
    is gone; `attempts` counts the reads tried."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.error: Exception | None = None
        self.attempts = 0
        for name in ("get", "find", "values", "count"):
            monkeypatch.setattr(InMemoryDocuments, name, self._guard(getattr(InMemoryDocuments, name)))

    def _guard(self, read):
        def guarded(store, *args, **kwargs):
            self.attempts += 1
            if self.error is not None:
                raise self.error
            return read(store, *args, **kwargs)

        return guarded


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch) -> Outage:
    return Outage(monkeypatch)


@pytest.fixture
def clock(intake_app: Flask) -> Clock:
    clock = Clock()
    intake_app.extensions[CIRCUIT_KEY] = DatabaseCircuit(open_seconds=2.0, clock=clock)
    return clock


def assert_json_503(response, retry_after: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == retry_after
    body = response.get_json()
    assert body["code"] == 503 and body["status"] == "Service Unavailable"
    assert "database" in body["message"]
    assert SECRET_DETAIL not in response.get_data(as_text=True)


@pytest.mark.parametrize("error", UNAVAILABLE, ids=lambda error: error.__class__.__name__)
def test_a_request_that_meets_the_database_down_is_a_json_503_with_retry_after(client, auth, outage, clock, error):
    outage.error = error
    response = client.get(f"/api/v1/clients/{uuid.uuid4()}", headers=auth("admin"))
    assert_json_503(response, "2")


def test_while_the_circuit_is_open_requests_are_refused_without_trying_then_tried_again(client, auth, outage, clock):
    record = f"/api/v1/clients/{uuid.uuid4()}"
    outage.error = ServerSelectionTimeoutError(SECRET_DETAIL)
    assert_json_503(client.get(record, headers=auth("admin")), "2")
    tried = outage.attempts

    outage.error = None  # the database is back, but the circuit does not know it yet
    clock.now += 1.2
    assert_json_503(client.get(record, headers=auth("admin")), "1")
    assert outage.attempts == tried, "an open circuit must not wait on the driver"

    clock.now += 1.0
    assert client.get(record, headers=auth("admin")).status_code == 404
    assert outage.attempts > tried


def test_the_circuit_keeps_4xx_for_requests_that_are_refused_before_the_database(client, auth, clock):
    client.application.extensions[CIRCUIT_KEY].trip()
    assert client.get("/api/v1/clients/x").status_code == 401
    assert (
        client.post(
            "/api/v1/clients",
            data=b'{"given_name": "a\\u0000"}',
            headers={**auth("intake"), "Content-Type": "application/json"},
        ).status_code
        == 422
    )


def test_health_metrics_and_docs_answer_while_the_database_is_down(client, clock):
    client.application.extensions[CIRCUIT_KEY].trip()
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_a_registration_whose_transaction_fails_midway_keeps_nothing(
    client, auth, registration, intake, clock, monkeypatch
):
    run = FakeUnitOfWork._run

    def fails_after_the_writes(uow, writes, events):
        def lost(_session):
            raise AutoReconnect(SECRET_DETAIL)

        run(uow, [*writes, lost], events)

    monkeypatch.setattr(FakeUnitOfWork, "_run", fails_after_the_writes)
    response = client.post("/api/v1/clients", json=registration(), headers=auth("intake"))
    assert_json_503(response, "2")
    assert intake.deps.memory.collection("clients") == {}
    assert intake.deps.memory.outbox == []


def test_an_open_circuit_stores_no_access_record_and_does_not_wait_for_one(client, auth, intake, clock):
    audit = intake.deps.memory.collection("audit")
    client.application.extensions[CIRCUIT_KEY].trip()
    response = client.get(f"/api/v1/clients/{uuid.uuid4()}", headers=auth("admin"))
    assert_json_503(response, "2")
    assert audit == {}


@pytest.mark.parametrize("service", ["intake", "sessions", "outcomes", "notifications"])
def test_every_api_operation_documents_the_503_and_its_retry_after(service):
    from tests.unit.shared.conftest import make_app

    spec = make_app(service).test_client().get("/openapi.json").get_json()
    operations = [
        (path, method, operation)
        for path, item in spec["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    for path, method, operation in operations:
        assert operation["responses"]["503"] == {"$ref": "#/components/responses/SERVICE_UNAVAILABLE_RETRY_AFTER"}, (
            path,
            method,
        )
    documented = spec["components"]["responses"]["SERVICE_UNAVAILABLE_RETRY_AFTER"]
    assert documented["headers"]["Retry-After"]["required"] is True
    assert documented["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_write_runs_within_its_database_budget_and_a_read_finds_the_server_or_gives_up(settings_for):
    blueprint = Blueprint("budget", __name__, url_prefix="/api/v1/budget")

    @blueprint.route("", methods=["GET", "POST"])
    def budget():
        # What pymongo gives every operation inside this request.
        return {"seconds": _csot.get_timeout()}

    app = create_base_app(
        settings_for("intake"),
        title="T",
        blueprints=[blueprint],
        readiness={},
        route_roles={"budget.budget": {"GET": ("admin",), "POST": ("admin",)}},
    )
    headers = {"Authorization": f"Bearer {issue_token(app.config['JWT_SECRET'], 'a', 'admin')}"}
    web = app.test_client()
    assert web.post("/api/v1/budget", headers=headers).get_json() == {"seconds": WRITE_BUDGET_SECONDS}
    # A read has no budget: a budget would make the driver look for a lost server for all of it.
    assert web.get("/api/v1/budget", headers=headers).get_json() == {"seconds": None}
    # Nothing of a request's budget is left for the next request on the same thread.
    assert _csot.get_timeout() is None


# Query strings: the same rule as JSON fields and form fields.


@pytest.mark.parametrize("bad", ["a\x00b", "\u202eevil", "x\x1b[31m"])
def test_a_query_parameter_holding_what_is_not_text_is_refused_naming_it(client, auth, bad):
    response = client.get("/api/v1/clients", query_string={"query": bad, "page": "1"}, headers=auth("admin"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"query": [NOT_TEXT_MESSAGE]}}


def test_a_query_parameter_whose_name_is_not_text_is_refused(client, auth):
    response = client.get("/api/v1/clients?na%00me=x", headers=auth("admin"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"<key>": [NOT_TEXT_MESSAGE]}}


def test_every_service_refuses_a_query_that_is_not_text(any_app, auth, routes_of):
    listed = [rule for rule, method, _view in routes_of(any_app) if method == "GET" and "<" not in rule]
    response = any_app.test_client().get(f"{listed[0]}?q=%E2%80%AE", headers=auth("admin"))
    assert response.status_code == 422, listed[0]
    assert response.get_json()["errors"] == {"query": {"q": [NOT_TEXT_MESSAGE]}}


def test_plain_query_text_with_accents_and_spaces_passes(client, auth):
    assert client.get("/api/v1/clients?query=Zoë%20O%27Brien", headers=auth("admin")).status_code == 200


# Readiness: each check on its own, within its time; which one is down, and why in a word.


def test_readiness_names_what_is_down_and_answers_without_waiting_for_a_hung_check():
    release = threading.Event()
    calls = {"hung": 0}

    def hung() -> None:
        calls["hung"] += 1
        release.wait(30)

    def broken() -> None:
        raise ConnectionError(SECRET_DETAIL)

    readiness = Readiness({"hung": hung, "broken": broken, "fine": lambda: None}, wait=0.05, keep=0.0)
    try:
        assert readiness.states() == {
            "broken": "down: ConnectionError",
            "fine": "ok",
            "hung": "down: no answer within 0.05 s",
        }
        readiness.states()
        assert calls["hung"] == 1, "a check still running is waited for, not started again"
    finally:
        release.set()
    readiness.wait = 5.0
    assert readiness.states()["hung"] == "ok"


def test_readyz_is_503_naming_each_dependency_and_healthz_stays_200(settings_for):
    def down() -> None:
        raise ServerSelectionTimeoutError(SECRET_DETAIL)

    app = create_base_app(
        settings_for("intake"),
        title="T",
        blueprints=[],
        route_roles={},
        readiness={"mongodb": down, "kafka": lambda: None},
    )
    web = app.test_client()
    ready = web.get("/readyz")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"mongodb": "down: ServerSelectionTimeoutError", "kafka": "ok"}
    assert body["failing"] == {"mongodb": "ServerSelectionTimeoutError"}
    assert SECRET_DETAIL not in ready.get_data(as_text=True)
    assert web.get("/healthz").status_code == 200
