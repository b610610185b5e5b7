"""The intake API through its Flask test client with fake adapters: bodies, errors, status codes."""

from __future__ import annotations

import json

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
    fetched = client.get(f"{CLIENTS}/{body['id']}", headers=auth("supervisor"))
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
    assert errors == {"contact": {"phone": ["A phone number is needed for reminders by text message."]}}
    assert intake.deps.memory.collection("clients") == {}


def test_every_registration_error_comes_back_in_one_answer(client, auth, registration):
    body = registration(given_name="", date_of_birth="2999-01-01", contact={"email": "not-an-email", "phone": None})
    errors = field_errors(register(client, auth("intake"), body))
    assert set(errors) == {"given_name", "date_of_birth", "contact"}
    assert errors["contact"] == {
        "email": ["Not a valid email address."],
        "phone": ["A phone number is needed for reminders by text message."],
    }


def test_every_part2_consent_error_comes_back_in_one_answer(client, auth, registration):
    client_id = registered(client, auth, registration)
    body = {"kind": "part2_disclosure", "signed_on": "2999-01-01", "recipients": [], "expires_on": "not a date"}
    errors = field_errors(client.post(f"{CLIENTS}/{client_id}/consents", json=body, headers=auth("intake")))
    assert set(errors) == {"signed_on", "scope", "recipients", "purpose", "expires_on"}
    assert errors["expires_on"] == ["Not a valid date."]  # malformed, so not also "missing"


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


def registered(client, auth, registration, **overrides) -> str:
    response = register(client, auth("intake"), registration(**overrides))
    assert response.status_code == 201
    return response.get_json()["id"]


def test_an_incomplete_phq9_with_item_9_positive_is_kept_flagged_and_names_what_is_missing(
    client, auth, registration, intake
):
    client_id = registered(client, auth, registration)
    body = {"instrument": "phq9", "answers": [None] * 8 + [2]}
    response = client.post(f"{CLIENTS}/{client_id}/screenings", json=body, headers=auth("intake"))
    assert response.status_code == 201, response.get_json()
    screening = response.get_json()
    assert screening["complete"] is False and screening["total"] is None
    assert sorted(screening["missing"]) == [f"answers.{n}" for n in range(1, 9)]
    assert screening["answers"] == [None] * 8 + [2]
    assert screening["risk_flag"]["urgency"] == "urgent"
    # The flag goes out; no score does (there is none to measure change with).
    assert [event.type for event in intake.events][-1:] == ["intake.risk.flagged"]
    assert "intake.screening.completed" not in [event.type for event in intake.events]


def test_an_incomplete_form_without_risk_is_refused_and_nothing_is_kept(client, auth, registration, intake):
    client_id = registered(client, auth, registration)
    body = {"instrument": "phq9", "answers": [1] * 8 + [None]}
    errors = field_errors(client.post(f"{CLIENTS}/{client_id}/screenings", json=body, headers=auth("intake")))
    assert "answers.9" in errors
    assert intake.deps.memory.collection("screenings") == {}


def test_admission_readiness_is_given_up_front_and_an_override_is_recorded(client, auth, registration):
    client_id = registered(client, auth, registration, treatment_consent={"signed_on": "2024-03-02"})
    readiness = client.get(f"{CLIENTS}/{client_id}/admission", headers=auth("intake")).get_json()
    assert readiness["ready"] is False
    assert [(g["item"], g["blocking"]) for g in readiness["gaps"]] == [
        ("screenings_due", False),
        ("interpersonal_inventory", False),
    ]
    admission = {"track": "individual", "problem_areas": {"primary": {"area": "grief"}}}
    refused = field_errors(client.post(f"{CLIENTS}/{client_id}/admission", json=admission, headers=auth("intake")))
    assert {"override", "screenings_due", "interpersonal_inventory"} <= set(refused)
    not_confirmed = admission | {"override": {"confirmed": 1, "reason": "baseline at session 1"}}
    assert "override" in field_errors(
        client.post(f"{CLIENTS}/{client_id}/admission", json=not_confirmed, headers=auth("intake"))
    )
    confirmed = admission | {"override": {"confirmed": True, "reason": "baseline at session 1"}}
    admitted = client.post(f"{CLIENTS}/{client_id}/admission", json=confirmed, headers=auth("intake"))
    assert admitted.status_code == 201
    assert admitted.get_json()["admission"]["override"] == {
        "reason": "baseline at session 1",
        "by": "user-1",
        "gaps": ["screenings_due", "interpersonal_inventory"],
    }


@pytest.mark.parametrize(
    "path, body",
    [
        ("screenings", {"instrument": "gad7", "answers": [1] * 7}),
        ("risk-flags", {"urgency": "high", "note": "said goodbye to staff"}),
        ("consents", {"kind": "treatment", "signed_on": "2024-03-02"}),
    ],
)
def test_a_resent_call_with_the_same_idempotency_key_is_applied_once(client, auth, registration, intake, path, body):
    client_id = registered(client, auth, registration)
    headers = auth("intake") | {"Idempotency-Key": "resend-1234"}
    first = client.post(f"{CLIENTS}/{client_id}/{path}", json=body, headers=headers)
    again = client.post(f"{CLIENTS}/{client_id}/{path}", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    other = client.post(f"{CLIENTS}/{client_id}/{path}", json=body, headers=auth("intake"))  # no key: a new one
    assert other.get_json()["id"] != first.get_json()["id"]
    events = [event.type for event in intake.events if event.type != "intake.client.registered"]
    assert len(events) == 2  # the first call's event and the keyless one's; none for the resend


def test_a_malformed_idempotency_key_is_refused(client, auth, registration):
    client_id = registered(client, auth, registration)
    headers = auth("intake") | {"Idempotency-Key": "short"}
    response = client.post(f"{CLIENTS}/{client_id}/risk-flags", json={"urgency": "high"}, headers=headers)
    assert response.status_code == 422 and "Idempotency-Key" in response.get_json()["errors"]["headers"]


def test_patch_corrects_only_what_is_sent_and_names_duplicates(client, auth, registration, intake):
    client_id = registered(client, auth, registration)
    other = registered(client, auth, registration, given_name="Sam", date_of_birth="1985-02-03")
    patched = client.patch(f"{CLIENTS}/{client_id}", json={"contact": {"phone": "+15550199"}}, headers=auth("intake"))
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["contact"] == {"email": "alex@example.org", "phone": "+15550199"}
    assert [c["fields"] for c in body["corrections"]] == [["contact"]]
    assert intake.events[-1].type == "intake.client.updated"
    clash = {"given_name": "Sam", "date_of_birth": "1985-02-03"}
    refused = client.patch(f"{CLIENTS}/{client_id}", json=clash, headers=auth("intake"))
    assert refused.status_code == 409 and refused.get_json()["duplicates"] == [other]
    kept = client.patch(f"{CLIENTS}/{client_id}", json=clash | {"allow_duplicate": True}, headers=auth("intake"))
    assert kept.status_code == 200 and kept.get_json()["given_name"] == "Sam"
    not_a_detail = client.patch(f"{CLIENTS}/{client_id}", json={"status": "admitted"}, headers=auth("intake"))
    assert not_a_detail.status_code == 422
    assert client.patch(f"{CLIENTS}/{client_id}", json={}, headers=auth("ops")).status_code == 403


def test_the_work_queue_comes_a_page_at_a_time_with_the_total(client, auth, registration):
    for n in range(3):
        registered(client, auth, registration, given_name=f"Queued{n}")
    response = client.get("/api/v1/work-queue?page=2&page_size=2", headers=auth("intake"))
    assert response.status_code == 200 and len(response.get_json()) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    assert {entry["stage"] for entry in response.get_json()} == {"new"}
    assert client.get("/api/v1/work-queue?stage=ready", headers=auth("intake")).get_json() == []
    assert client.get("/api/v1/work-queue?stage=later", headers=auth("intake")).status_code == 422
