"""Every /api route of every service demands a token and a role, checked through the real apps."""

from __future__ import annotations

import pytest

from shared.auth import unlisted_routes
from shared.roles import ROLES
from shared.web import ROUTE_ROLES_KEY, api_routes

BAD_AUTH = [None, "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer ", "bearer"]


def call(client, method: str, url: str, headers: dict | None = None, body: dict | None = None):
    # A well-formed request (body for writes, client_id for queries), so only auth can refuse it.
    return client.open(
        url,
        method=method,
        headers=headers or {},
        query_string={"client_id": "c-1"},
        json=body if method != "GET" else None,
    )


def allowed(app, rule: str, method: str) -> tuple[str, ...]:
    endpoint = next(r.endpoint for r in app.url_map.iter_rules() if r.rule == rule)
    return app.config[ROUTE_ROLES_KEY][endpoint][method]


def test_every_api_route_has_roles_in_the_services_table(any_app, routes_of):
    routes = routes_of(any_app)
    assert routes, "each service exposes at least one /api route"
    assert unlisted_routes(any_app.config[ROUTE_ROLES_KEY], api_routes(any_app)) == []
    for rule, method, _view in routes:
        assert set(allowed(any_app, rule, method)) <= set(ROLES)


def test_a_route_missing_from_the_table_stops_the_service_at_start(settings_for):
    from services.sessions.bootstrap import fake_dependencies
    from services.sessions.entrypoints.api import episodes_api
    from shared.service import build_service_app

    with pytest.raises(ValueError, match="GET episodes.Episodes has no roles"):
        build_service_app(
            settings_for("sessions"),
            title="T",
            blueprints=[episodes_api],
            route_roles={},
            dependencies=fake_dependencies(),
        )


def test_the_table_finds_listed_routes_that_do_not_exist_and_unknown_roles():
    table = {"a.A": {"GET": ("clinician",), "POST": ("nurse",)}, "b.Gone": {"GET": ("admin",)}}
    assert unlisted_routes(table, [("a.A", "GET"), ("a.A", "POST"), ("c.C", "PUT")]) == [
        "PUT c.C has no roles",
        "GET b.Gone is listed but is no route",
        "POST a.A names unknown roles",
    ]


@pytest.mark.parametrize("authorization", BAD_AUTH)
def test_every_api_route_answers_401_without_a_valid_token(any_app, routes_of, url_for_rule, authorization):
    client = any_app.test_client()
    headers = {"Authorization": authorization} if authorization is not None else {}
    for rule, method, _view in routes_of(any_app):
        response = call(client, method, url_for_rule(rule), headers)
        assert response.status_code == 401, f"{method} {rule}"
        assert response.get_json()["code"] == 401


def test_token_signed_with_another_secret_gets_401(any_app, routes_of, url_for_rule):
    from shared.auth import issue_token

    forged = {"Authorization": f"Bearer {issue_token('not-the-service-secret-at-all-xx', 'u', 'admin')}"}
    for rule, method, _view in routes_of(any_app):
        assert call(any_app.test_client(), method, url_for_rule(rule), forged).status_code == 401


def test_roles_outside_required_roles_get_403_and_inside_get_through(
    any_app, routes_of, url_for_rule, auth, registration
):
    client = any_app.test_client()
    for rule, method, _view in routes_of(any_app):
        for role in ROLES:
            response = call(client, method, url_for_rule(rule), auth(role), registration())
            if role in allowed(any_app, rule, method):
                assert response.status_code not in (401, 403), f"{role} {method} {rule}"
            else:
                assert response.status_code == 403, f"{role} {method} {rule}"
                assert role in response.get_json()["message"]


def test_ops_may_not_register_a_client(client, auth, registration, intake):
    response = client.post("/api/v1/clients", json=registration(), headers=auth("ops"))
    assert response.status_code == 403
    assert response.get_json()["code"] == 403
    assert intake.events == []


def test_role_is_checked_before_the_body_is_validated(client, auth):
    response = client.post("/api/v1/clients", json={}, headers=auth("ops"))
    assert response.status_code == 403
    assert "errors" not in response.get_json()


def test_intake_role_registers_a_client(client, auth, registration, intake):
    response = client.post("/api/v1/clients", json=registration(), headers=auth("intake", sub="staff-3"))
    assert response.status_code == 201
    client_id = response.get_json()["id"]
    assert intake.clients.get(client_id).registered_by == "staff-3"
    assert [uow.committed for uow in intake.uows] == [True]


def test_operational_routes_need_no_token(any_app):
    client = any_app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_head_is_checked_like_get():
    from services.sessions.bootstrap import create_app, fake_dependencies
    from shared.auth import issue_token
    from shared.config import Settings

    secret = "s" * 32
    app = create_app(Settings.from_env("sessions", env={"IPT_JWT_SECRET": secret}), deps=fake_dependencies())
    client = app.test_client()

    def head(role: str) -> int:
        token = issue_token(secret, "u", role)
        return client.head("/api/v1/episodes?client_id=x", headers={"Authorization": f"Bearer {token}"}).status_code

    assert head("ops") == 403
    assert head("clinician") == 200
