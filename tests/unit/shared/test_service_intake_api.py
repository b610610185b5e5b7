"""The intake API through its Flask test client with fake adapters: bodies, errors, status codes."""

from __future__ import annotations

import pytest

CLIENTS = "/api/v1/clients"


def register(client, headers, body):
    return client.post(CLIENTS, json=body, headers=headers)


def field_errors(response) -> dict:
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["code"] == 422
    return payload["errors"]["json"]


def test_registration_answers_201_with_the_new_client(client, auth, registration, intake):
    response = register(client, auth("intake"), registration(given_name="Robin "))
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and body["given_name"] == "Robin"
    assert (body["status"], body["program"], body["date_of_birth"]) == ("referred", "co_occurring", "1990-04-01")
    assert [event.subject for event in intake.events] == [body["id"]]
    fetched = client.get(f"{CLIENTS}/{body['id']}", headers=auth("clinician"))
    assert fetched.status_code == 200
    assert fetched.get_json() == body


def test_missing_fields_are_named_one_by_one(client, auth):
    errors = field_errors(register(client, auth("intake"), {}))
    assert set(errors) == {"given_name", "family_name", "date_of_birth", "program", "contact", "preferred_channel"}
    assert errors["program"] == ["Missing data for required field."]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"date_of_birth": "1990-13-45"}, "date_of_birth"),
        ({"date_of_birth": "01/04/1990"}, "date_of_birth"),
        ({"program": "astrology"}, "program"),
        ({"given_name": "   "}, "given_name"),
        ({"family_name": ""}, "family_name"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
    ],
)
def test_invalid_fields_get_a_field_level_422(client, auth, registration, intake, overrides, field):
    errors = field_errors(register(client, auth("intake"), registration(**overrides)))
    assert list(errors) == [field]
    assert intake.events == []


def test_a_name_with_leading_space_is_accepted_and_stripped(client, auth, registration):
    response = register(client, auth("intake"), registration(given_name="  Robin"))
    assert response.status_code == 201
    assert response.get_json()["given_name"] == "Robin"


def test_sms_without_a_phone_breaks_the_domain_rule(client, auth, registration, intake):
    body = registration(preferred_channel="sms", contact={"email": "a@example.org", "phone": None})
    errors = field_errors(register(client, auth("intake"), body))
    assert list(errors) == ["contact.phone"]
    assert intake.deps.memory.collection("clients") == {}


def test_future_birth_date_is_refused(client, auth, registration):
    errors = field_errors(register(client, auth("intake"), registration(date_of_birth="2999-01-01")))
    assert "future" in errors["date_of_birth"][0]


def test_unknown_client_is_a_json_404(client, auth):
    response = client.get(f"{CLIENTS}/no-such-id", headers=auth("intake"))
    assert response.status_code == 404
    body = response.get_json()
    assert (body["code"], body["status"]) == (404, "Not Found")
    assert "not found" in body["message"].lower()


def test_unknown_path_is_a_json_404(client, auth):
    for path, headers in (("/no/such/page", {}), ("/api/v1/nothing-here", auth("admin"))):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.get_json()["code"] == 404


def test_wrong_method_is_a_json_405_with_allow(client, auth):
    response = client.delete(CLIENTS, headers=auth("admin"))
    assert response.status_code == 405
    assert response.get_json()["code"] == 405
    assert "POST" in {m.strip() for m in response.headers["Allow"].split(",")}


def test_body_over_the_limit_is_a_json_413(client, auth, registration, intake_app):
    limit = intake_app.config["MAX_CONTENT_LENGTH"]
    assert limit == 4096
    response = register(client, auth("intake"), registration(family_name="x" * (limit + 1)))
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
    assert client.post(CLIENTS, json=registration(), headers=auth("intake")).status_code == 201


def test_openapi_lists_api_paths_with_bearer_auth(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/clients", "/api/v1/clients/{client_id}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert {"bearerAuth": []} in spec["security"]
    assert "422" in spec["paths"]["/api/v1/clients"]["post"]["responses"]
