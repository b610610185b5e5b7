"""GET /clients/{id}/fhir on fake storage: a Bundle that the fhir.resources R4 models accept, with
QuestionnaireResponse and Observation per measure, and the 42 CFR Part 2 labels exactly on
substance-use and co-occurring program data."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.bundle import Bundle
from flask.testing import FlaskClient
from pydantic import ValidationError

from services.outcomes import bootstrap
from tests.support import events
from tests.support import outcomes_fakes as fakes
from tests.support.outcomes_fakes import deliver

CLINICIAN = "dr-fhir"
PART2_CODES = {
    ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SUD"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2"),
}
PHQ9_ANSWERS = [2, 2, 1, 1, 1, 1, 1, 1, 0]  # 10


def headers(role: str, sub: str = CLINICIAN) -> dict[str, str]:
    return fakes.headers(role, sub)


MINE = headers("clinician")


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


@pytest.fixture
def api(deps) -> FlaskClient:
    return fakes.app(deps)


def client_in(deps, program: str, client_id: str) -> str:
    return fakes.client_in(deps, program, client_id, CLINICIAN)


def export(api, client_id: str, hdrs=MINE, **query: str) -> dict:
    response = api.get(f"/api/v1/clients/{client_id}/fhir", headers=hdrs, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    return response.get_json()


def resources(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def labels(resource: dict) -> set[tuple[str, str]]:
    return {(label["system"], label["code"]) for label in resource.get("meta", {}).get("security", [])}


def test_the_bundle_validates_and_links_each_observation_to_its_response(api, deps):
    client_id = client_in(deps, "mental_health", "client-mh")
    answered = {"instrument": "phq9", "answers": PHQ9_ANSWERS, "extras": {"difficulty": 1}}
    assert api.post(f"/api/v1/clients/{client_id}/measures", json=answered, headers=MINE).status_code == 201
    bundle = export(api, client_id)
    Bundle.model_validate(bundle)  # raises on anything R4 does not allow
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["QuestionnaireResponse", "Observation"] * 2
    urls = {entry["resource"]["id"]: entry["fullUrl"] for entry in bundle["entry"]}
    for response, observation in zip(
        *(resources(bundle, k) for k in ("QuestionnaireResponse", "Observation")), strict=True
    ):
        assert observation["derivedFrom"] == [{"reference": urls[response["id"]]}]
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["code"]["coding"] == [{"system": "http://loinc.org", "code": "44261-6"}]
        assert response["questionnaire"] == "http://loinc.org/q/44249-1"
        assert response["subject"] == observation["subject"] == {"reference": f"Patient/{client_id}"}
    screening, taken_here = resources(bundle, "Observation")
    assert (screening["valueInteger"], taken_here["valueInteger"]) == (14, 10)
    assert taken_here["interpretation"] == [{"text": "moderate"}]


def test_responses_carry_the_answers_outcomes_has_and_the_total(api, deps):
    client_id = client_in(deps, "mental_health", "client-items")
    answered = {"instrument": "phq9", "answers": PHQ9_ANSWERS, "extras": {"difficulty": 1}}
    api.post(f"/api/v1/clients/{client_id}/measures", json=answered, headers=MINE)
    at_intake, taken_here = resources(export(api, client_id), "QuestionnaireResponse")
    # Intake keeps the answers of its screenings: the response holds the total alone.
    assert at_intake["item"] == [{"linkId": "44261-6", "text": "PHQ-9 total score", "answer": [{"valueInteger": 14}]}]
    items = {item["linkId"]: item["answer"][0] for item in taken_here["item"]}
    assert list(items)[:9] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert items["44250-9"]["valueCoding"] == {
        "system": "http://loinc.org",
        "code": "LA6570-1",
        "display": "More than half the days",
    }
    assert items["44260-8"]["valueCoding"]["code"] == "LA6568-5"
    assert items["69722-7"] == {"valueInteger": 1}  # item 10, difficulty: stored, never in the total
    assert items["44261-6"] == {"valueInteger": 10}


def test_part2_labels_mark_substance_use_and_co_occurring_data_only(api, deps):
    plain = export(api, client_in(deps, "mental_health", "client-plain"))
    assert "meta" not in plain and all(labels(entry["resource"]) == set() for entry in plain["entry"])
    for program in ("substance_use", "co_occurring"):
        client_id = client_in(deps, program, f"client-{program}")
        deliver(deps, "intake.consent.recorded", client_id, recipients=["County probation office"])
        dast = {"instrument": "dast10", "answers": [True, False, True, False, False, False, False, False, False, False]}
        assert api.post(f"/api/v1/clients/{client_id}/measures", json=dast, headers=MINE).status_code == 201
        bundle = export(api, client_id, recipient="County probation office")  # a disclosure (test_outcomes_part2)
        Bundle.model_validate(bundle)
        assert labels(bundle) == PART2_CODES
        assert all(labels(entry["resource"]) == PART2_CODES for entry in bundle["entry"])
        dast_observation = resources(bundle, "Observation")[1]
        assert dast_observation["code"]["coding"][0]["code"] == "82667-7"
        assert dast_observation["valueInteger"] == 1  # item 3 scores for NO


def test_the_validator_refuses_a_broken_bundle(api, deps):
    bundle = export(api, client_in(deps, "mental_health", "client-broken"))
    del resources(bundle, "Observation")[0]["status"]
    with pytest.raises(ValidationError):
        Bundle.model_validate(bundle)


def test_the_export_is_the_treating_teams_like_the_outcomes(api, deps):
    client_id = client_in(deps, "co_occurring", "client-access")
    deliver(deps, "intake.consent.recorded", client_id, recipients=["Dr Outside"])
    assert api.get(f"/api/v1/clients/{client_id}/fhir", headers=headers("clinician", "dr-other")).status_code == 404
    assert api.get(f"/api/v1/clients/{client_id}/fhir", headers=headers("ops")).status_code == 403
    assert api.get(f"/api/v1/clients/{client_id}/fhir", headers=headers("intake")).status_code == 403
    query = {"recipient": "Dr Outside"}
    events.supervise(bootstrap, deps, CLINICIAN, "sup")
    supervisor = headers("supervisor", "sup")
    assert api.get(f"/api/v1/clients/{client_id}/fhir", headers=supervisor, query_string=query).status_code == 200
    another_team = headers("supervisor", "sup-other")
    assert api.get(f"/api/v1/clients/{client_id}/fhir", headers=another_team, query_string=query).status_code == 404
    assert api.get("/api/v1/clients/nobody/fhir", headers=headers("supervisor", "sup")).status_code == 404


def test_reading_the_export_is_audited(api, deps, caplog):
    client_id = client_in(deps, "mental_health", "client-audit")
    with caplog.at_level("INFO", logger="audit"):
        export(api, client_id)
    [line] = [r for r in caplog.records if r.name == "audit"]
    assert (line.client_id, line.actor) == (client_id, CLINICIAN)
