"""The base app every service starts from: health, readiness and correlation ids."""

from __future__ import annotations

import uuid

import pytest

from shared.web import CORRELATION_HEADER, create_base_app


def unavailable() -> None:
    raise ConnectionError("mongo down: secret detail")


def test_healthz_is_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "service": "intake"}


def test_readyz_names_the_failing_dependency(settings_for):
    app = create_base_app(
        settings_for("intake"),
        title="T",
        blueprints=[],
        route_roles={},
        readiness={"mongodb": unavailable, "kafka": lambda: None},
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == {"mongodb": "ConnectionError"}
    assert "secret detail" not in response.get_data(as_text=True)


def test_readyz_is_200_when_every_check_passes(settings_for):
    app = create_base_app(
        settings_for("intake"),
        title="T",
        blueprints=[],
        route_roles={},
        readiness={"mongodb": lambda: None, "kafka": lambda: None},
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"kafka": "ok", "mongodb": "ok"}


def test_service_app_readiness_checks_mongodb_and_kafka(intake_app, monkeypatch):
    import shared.service

    # The checks look these up when they run, so patching the module is enough.
    monkeypatch.setattr(shared.service, "ping", lambda db, seconds: unavailable())
    monkeypatch.setattr(shared.service, "kafka_reachable", lambda servers: None)
    response = intake_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == {"mongodb": "ConnectionError"}


def test_given_correlation_id_is_echoed(client):
    response = client.get("/healthz", headers={CORRELATION_HEADER: "req-42.a_b"})
    assert response.headers[CORRELATION_HEADER] == "req-42.a_b"


def test_missing_correlation_id_is_generated(client):
    first = client.get("/healthz").headers[CORRELATION_HEADER]
    second = client.get("/healthz").headers[CORRELATION_HEADER]
    assert str(uuid.UUID(first)) == first
    assert first != second


@pytest.mark.parametrize("bad", ["has space", "<script>", "x" * 65, "new\\nline", "a;b"])
def test_malformed_correlation_id_is_replaced(client, bad):
    echoed = client.get("/healthz", headers={CORRELATION_HEADER: bad}).headers[CORRELATION_HEADER]
    assert echoed != bad
    assert str(uuid.UUID(echoed)) == echoed


def test_correlation_id_reaches_the_published_event(client, auth, registration, intake):
    response = client.post(
        "/api/v1/clients", json=registration(), headers={**auth("intake"), CORRELATION_HEADER: "chain-77"}
    )
    assert response.status_code == 201
    assert [event.correlation_id for event in intake.events] == ["chain-77"]
    assert response.headers[CORRELATION_HEADER] == "chain-77"


def test_a_fresh_app_shows_every_route_series_at_zero_before_any_request(settings_for):
    from dataclasses import replace

    from services.sessions.bootstrap import create_app, fake_dependencies

    settings = replace(settings_for("sessions"), service="fresh-sessions-app")
    app = create_app(settings, deps=fake_dependencies())
    body = app.test_client().get("/metrics").get_data(as_text=True)
    labels = '{endpoint="/api/v1/episodes",method="GET",service="fresh-sessions-app"}'
    assert f"http_request_duration_seconds_count{labels} 0.0" in body
    assert f"http_errors_total{labels} 0.0" in body


def test_a_conflicts_details_never_replace_the_standard_fields(settings_for):
    from flask_smorest import Blueprint

    from shared.errors import Conflict

    blueprint = Blueprint("clash", __name__, url_prefix="/api/v1/clash")

    @blueprint.route("")
    def clash():
        raise Conflict("It clashes.", status="cancelled", conflicts=[{"start": "x"}])

    app = create_base_app(
        settings_for("intake"),
        title="T",
        blueprints=[blueprint],
        readiness={},
        route_roles={"clash.clash": {"GET": ("admin",)}},
    )
    from shared.auth import issue_token

    token = issue_token(app.config["JWT_SECRET"], "a", "admin")
    response = app.test_client().get("/api/v1/clash", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409
    assert response.get_json() == {
        "code": 409,
        "status": "Conflict",
        "message": "It clashes.",
        "conflicts": [{"start": "x"}],
    }
