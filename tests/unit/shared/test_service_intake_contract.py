"""The intake API keeps to its own OpenAPI document where fuzzing found it did not: the 409 of a
possible duplicate, booleans that are only booleans, and a risk flag that needs a body."""

from __future__ import annotations

from typing import Any

import pytest

CLIENTS = "/api/v1/clients"
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def violations(spec: dict[str, Any], schema: dict[str, Any], value: Any, where: str = "body") -> list[str]:
    """Where `value` breaks `schema` (the subset of JSON Schema apispec writes); empty when it fits."""
    schema = resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") or "type" not in schema else [f"{where} is null"]
    kind = schema.get("type")
    if kind and (not isinstance(value, JSON_TYPES[kind]) or (kind in ("integer", "number") and value is True)):
        return [f"{where} is not {kind}"]
    found: list[str] = []
    if kind == "array":
        for index, item in enumerate(value):
            found += violations(spec, schema.get("items", {}), item, f"{where}[{index}]")
    if kind == "object":
        properties = schema.get("properties", {})
        found += [f"{where}.{name} is missing" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in properties:
                found += violations(spec, properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}.{name} is not in the schema")
    return found


def documented(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    responses = spec["paths"][path][method]["responses"]
    response = resolve(spec, responses.get(str(status)) or responses["default"])
    return response["content"]["application/json"]["schema"]


@pytest.fixture
def spec(client) -> dict[str, Any]:
    return client.get("/openapi.json").get_json()


def test_the_409_of_a_possible_duplicate_fits_its_documented_schema(client, auth, registration, spec):
    headers = auth("intake")
    first = client.post(CLIENTS, json=registration(), headers=headers).get_json()["id"]
    conflict = client.post(CLIENTS, json=registration(), headers=headers)
    assert conflict.status_code == 409
    body = conflict.get_json()
    assert body["duplicates"] == [first]
    schema = documented(spec, CLIENTS, "post", 409)
    assert "duplicates" in resolve(spec, schema)["properties"]
    assert violations(spec, schema, body) == []


def test_the_409_of_a_correction_fits_its_documented_schema(client, auth, registration, spec):
    headers = auth("intake")
    client.post(CLIENTS, json=registration(), headers=headers)
    other = client.post(CLIENTS, json=registration(given_name="Robin"), headers=headers).get_json()["id"]
    conflict = client.patch(f"{CLIENTS}/{other}", json={"given_name": "Alex"}, headers=headers)
    assert conflict.status_code == 409
    assert violations(spec, documented(spec, f"{CLIENTS}/{{client_id}}", "patch", 409), conflict.get_json()) == []


def test_the_validator_itself_finds_an_undocumented_field(spec):
    schema = documented(spec, CLIENTS, "post", 422)
    assert violations(spec, schema, {"code": 422, "surprise": 1}) == ["body.surprise is not in the schema"]
    assert violations(spec, schema, {"code": "422"}) == ["body.code is not integer"]


def test_an_unexpected_error_fits_the_documented_error_schema(intake_app, client, auth, spec, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("services.intake.handlers.work_queue_entries", broken)
    response = client.get("/api/v1/work-queue", headers=auth("intake"))
    assert response.status_code == 500
    assert violations(spec, documented(spec, "/api/v1/work-queue", "get", 500), response.get_json()) == []


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_allow_duplicate_is_only_json_true_or_false(client, auth, registration, intake, value):
    response = client.post(CLIENTS, json=registration(allow_duplicate=value), headers=auth("intake"))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["allow_duplicate"]
    assert intake.events == []


def test_allow_duplicate_true_registers_the_second_client(client, auth, registration):
    headers = auth("intake")
    client.post(CLIENTS, json=registration(), headers=headers)
    response = client.post(CLIENTS, json=registration(allow_duplicate=True), headers=headers)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "send",
    [
        {},
        {"json": {}},
        {"data": "", "content_type": "application/json"},
        {"json": {"note": "seemed low"}},
    ],
    ids=["no body", "empty object", "empty JSON body", "no urgency"],
)
def test_a_risk_flag_without_an_urgency_is_refused_naming_the_field(client, auth, registration, intake, send):
    headers = auth("intake")
    client_id = client.post(CLIENTS, json=registration(), headers=headers).get_json()["id"]
    before = len(intake.events)
    response = client.post(f"{CLIENTS}/{client_id}/risk-flags", headers=headers, **send)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"urgency": ["Missing data for required field."]}
    assert len(intake.events) == before
    assert intake.clients.get(client_id).risk_flags == []


def test_the_risk_flag_body_is_documented_as_required_with_its_urgency(spec):
    operation = spec["paths"][f"{CLIENTS}/{{client_id}}/risk-flags"]["post"]
    assert operation["requestBody"]["required"] is True
    body = resolve(spec, operation["requestBody"]["content"]["application/json"]["schema"])
    assert body["required"] == ["urgency"]


@pytest.mark.parametrize("extra", [{"status": "admitted"}, {"registered_by": "someone-else"}, {"risk_flags": []}])
def test_fields_the_server_sets_cannot_be_sent(client, auth, registration, intake, extra):
    response = client.post(CLIENTS, json=registration(**extra), headers=auth("intake"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {name: ["Unknown field."] for name in extra}
    assert intake.events == []


def test_api_answers_are_never_cached_nor_sniffed(client, auth, registration):
    created = client.post(CLIENTS, json=registration(), headers=auth("intake"))
    for response in (created, client.get(f"{CLIENTS}/{created.get_json()['id']}", headers=auth("intake"))):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
