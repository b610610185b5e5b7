"""Two users, one client, every intake route that names a client: the one who may not know of the
client is told it does not exist, and nothing changes; lists hold only what each role may know of."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.intake import bootstrap
from services.intake.domain.client import ADMITTED
from services.intake.entrypoints.access import ROUTE_ROLES
from tests.support.events import assign_in_intake, supervise

CLIENTS = "/api/v1/clients"
ASSESSMENT = {
    "relationships": [{"person": "Sam", "relationship": "partner", "closeness": 4}],
    "problem_areas": {"primary": {"area": "role_dispute", "stage": "impasse"}},
}


# Break glass opens a client outside the caseload by design (tests/unit/shared/test_intake_emergency_access_api.py).
BREAK_GLASS = "emergency_access.BreakGlass"


def client_routes(app, role: str | None = None) -> list[tuple[str, str]]:
    """(rule, method) of every /api route with a client in its URL (new ones are covered at once),
    break glass aside; given a role, those its route table lets the role use at all (the others
    answer 403 to it whichever client they name)."""
    return sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and "<client_id>" in rule.rule and rule.endpoint != BREAK_GLASS
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if role is None or role in ROUTE_ROLES[rule.endpoint][method]
    )


def fill(rule: str, ids: dict[str, str]) -> str:
    return re.sub(r"<(\w+)>", lambda m: ids.get(m.group(1), "placeholder-id"), rule)


def call(client, method: str, url: str, headers: dict[str, str]):
    return client.open(url, method=method, headers=headers, json={} if method != "GET" else None)


@pytest.fixture
def record(client, auth, registration, intake) -> dict[str, str]:
    """A referred client with a screening, a risk flag, a consent and an assessment: every id a URL names."""
    staff = auth("intake", "nurse-1")
    client_id = client.post(CLIENTS, json=registration(), headers=staff).get_json()["id"]
    screening = client.post(
        f"{CLIENTS}/{client_id}/screenings", json={"instrument": "phq9", "answers": [0] * 9}, headers=staff
    ).get_json()
    flag = client.post(f"{CLIENTS}/{client_id}/risk-flags", json={"urgency": "high"}, headers=staff).get_json()
    consent = client.post(
        f"{CLIENTS}/{client_id}/consents",
        json={"kind": "treatment", "signed_on": "2024-03-02", "signed_by": "client"},
        headers=staff,
    ).get_json()
    assert client.put(f"{CLIENTS}/{client_id}/assessment", json=ASSESSMENT, headers=staff).status_code == 200
    return {"client_id": client_id, "screening_id": screening["id"], "flag_id": flag["id"], "consent_id": consent["id"]}


def admit(intake, client_id: str) -> None:
    stored = intake.clients.get(client_id)
    stored.status = ADMITTED
    uow = intake.deps.uow()
    intake.clients.save(stored, uow)
    uow.commit()


def stored(intake) -> dict:
    return {
        name: documents for name, documents in intake.deps.memory.snapshot().items() if documents and name != "audit"
    }


def refused_like_a_missing_client(client, method, rule, ids, headers, intake) -> None:
    stored_before = stored(intake)
    events_before = len(intake.events)
    refused = call(client, method, fill(rule, ids), headers)
    missing = call(client, method, fill(rule, {**ids, "client_id": "no-such-client"}), headers)
    assert refused.status_code == missing.status_code == 404, (method, rule, refused.status_code)
    assert refused.get_json()["message"].replace(ids["client_id"], "ID") == missing.get_json()["message"].replace(
        "no-such-client", "ID"
    )
    assert stored(intake) == stored_before and len(intake.events) == events_before


def test_every_route_naming_a_client_is_covered_here(intake_app):
    assert len(client_routes(intake_app)) == 15  # a new route adds itself to the tests below


def test_another_clinician_cannot_reach_a_client_by_any_route(intake_app, client, auth, record, intake):
    assign_in_intake(intake.deps, record["client_id"], "dr-a")
    for rule, method in client_routes(intake_app, "clinician"):
        refused_like_a_missing_client(client, method, rule, record, auth("clinician", "dr-b"), intake)


def test_the_clients_own_clinician_reaches_it_by_every_route(intake_app, client, auth, record, intake):
    assign_in_intake(intake.deps, record["client_id"], "dr-a")
    for rule, method in client_routes(intake_app, "clinician"):
        response = call(client, method, fill(rule, record), auth("clinician", "dr-a"))
        assert response.status_code != 404, (method, rule, response.get_json())


def test_a_clinician_with_no_assignment_yet_cannot_reach_a_referred_client(intake_app, client, auth, record, intake):
    for rule, method in client_routes(intake_app, "clinician"):
        refused_like_a_missing_client(client, method, rule, record, auth("clinician", "dr-a"), intake)


def test_a_reassigned_client_is_out_of_reach_of_the_former_clinician(client, auth, record, intake):
    url = f"{CLIENTS}/{record['client_id']}"
    assign_in_intake(intake.deps, record["client_id"], "dr-a")
    assert client.get(url, headers=auth("clinician", "dr-a")).status_code == 200
    assign_in_intake(intake.deps, record["client_id"], "dr-b")
    assert client.get(url, headers=auth("clinician", "dr-a")).status_code == 404
    assert client.get(url, headers=auth("clinician", "dr-b")).status_code == 200


def test_intake_staff_reach_a_client_until_admission_then_by_no_route(intake_app, client, auth, record, intake):
    staff = auth("intake", "nurse-2")  # not the one who registered the client: the team's work
    for rule, method in client_routes(intake_app, "intake"):
        response = call(client, method, fill(rule, record), staff)
        assert response.status_code != 404, (method, rule, response.get_json())
    admit(intake, record["client_id"])
    for rule, method in client_routes(intake_app, "intake"):
        refused_like_a_missing_client(client, method, rule, record, staff, intake)


@pytest.mark.parametrize("role, sub", [("admin", "admin-1"), ("supervisor", "lead-1")])
def test_admin_and_the_supervisor_of_the_clients_clinician_reach_it_by_every_route(
    intake_app, client, auth, record, intake, role, sub
):
    admit(intake, record["client_id"])
    assign_in_intake(intake.deps, record["client_id"], "dr-a")
    supervise(bootstrap, intake.deps, "dr-a", "lead-1")
    for rule, method in client_routes(intake_app, role):
        response = call(client, method, fill(rule, record), auth(role, sub))
        assert response.status_code != 404, (method, rule, response.get_json())


def test_another_teams_supervisor_reaches_the_client_by_no_route(intake_app, client, auth, record, intake):
    admit(intake, record["client_id"])
    assign_in_intake(intake.deps, record["client_id"], "dr-a")
    supervise(bootstrap, intake.deps, "dr-a", "lead-1")
    supervise(bootstrap, intake.deps, "dr-b", "lead-2")
    for rule, method in client_routes(intake_app, "supervisor"):
        refused_like_a_missing_client(client, method, rule, record, auth("supervisor", "lead-2"), intake)


def test_any_supervisor_reaches_a_client_nobody_treats_yet(intake_app, client, auth, record, intake):
    for rule, method in client_routes(intake_app, "supervisor"):
        response = call(client, method, fill(rule, record), auth("supervisor", "lead-2"))
        assert response.status_code != 404, (method, rule, response.get_json())


def test_ops_reaches_no_client_route(intake_app, client, auth, record):
    for rule, method in client_routes(intake_app):
        assert call(client, method, fill(rule, record), auth("ops")).status_code == 403


# -- lists ------------------------------------------------------------------------------------------
def registered(client, auth, registration, **names: Any) -> str:
    return client.post(CLIENTS, json=registration(**names), headers=auth("intake")).get_json()["id"]


def search(client, headers, **params: str):
    response = client.get(CLIENTS, query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return {c["id"] for c in response.get_json()}


def queue(client, headers) -> set[str]:
    response = client.get("/api/v1/work-queue", headers=headers)
    assert response.status_code == 200
    return {entry["client"]["id"] for entry in response.get_json()}


@pytest.fixture
def three(client, auth, registration, intake) -> dict[str, str]:
    """Alex Example of dr-a and Alex Examplar of dr-b (both admitted, with open flags so they stay
    queued), and Alex Exton, referred and nobody's yet."""
    ids = {
        "a": registered(client, auth, registration, family_name="Example"),
        "b": registered(client, auth, registration, family_name="Examplar"),
        "new": registered(client, auth, registration, family_name="Exton"),
    }
    for key, clinician in (("a", "dr-a"), ("b", "dr-b")):
        client.post(f"{CLIENTS}/{ids[key]}/risk-flags", json={"urgency": "high"}, headers=auth("supervisor"))
        admit(intake, ids[key])
        assign_in_intake(intake.deps, ids[key], clinician)
    return ids


def test_a_clinician_finds_and_sees_queued_only_their_own_clients(client, auth, three):
    mine = auth("clinician", "dr-a")
    assert search(client, mine, query="alex") == {three["a"]}
    assert search(client, mine, query=three["b"]) == set()
    assert queue(client, mine) == {three["a"]}
    assert search(client, auth("clinician", "dr-c"), query="alex") == set()
    assert queue(client, auth("clinician", "dr-c")) == set()


def test_intake_staff_find_and_see_queued_only_clients_not_yet_admitted(client, auth, three):
    staff = auth("intake", "nurse-2")
    assert search(client, staff, query="alex") == {three["new"]}
    assert queue(client, staff) == {three["new"]}


def test_intake_staff_find_an_admitted_client_by_exact_name_and_date_of_birth(client, auth, three):
    staff = auth("intake", "nurse-2")
    assert search(client, staff, query="Alex Example", date_of_birth="1990-04-01") == {three["a"]}
    assert search(client, staff, query="example ALEX", date_of_birth="1990-04-01") == {three["a"]}
    assert search(client, staff, query="Alex Exam", date_of_birth="1990-04-01") == set()  # no prefixes
    assert search(client, staff, query="Alex Example", date_of_birth="1990-04-02") == set()
    # Found is not opened: the record is the clinical team's.
    assert client.get(f"{CLIENTS}/{three['a']}", headers=staff).status_code == 404


def test_a_clinician_finds_nobody_elses_client_by_identity_either(client, auth, three):
    assert search(client, auth("clinician", "dr-b"), query="Alex Example", date_of_birth="1990-04-01") == set()


def test_admin_finds_and_sees_queued_every_client(client, auth, three):
    assert search(client, auth("admin"), query="alex") == set(three.values())
    assert queue(client, auth("admin")) == set(three.values())


def test_a_supervisor_finds_and_sees_queued_their_teams_clients_and_those_nobody_treats(client, auth, three, intake):
    supervise(bootstrap, intake.deps, "dr-a", "lead-1")
    supervise(bootstrap, intake.deps, "dr-b", "lead-2")
    lead = auth("supervisor", "lead-1")
    assert search(client, lead, query="alex") == {three["a"], three["new"]}
    assert search(client, lead, query=three["b"]) == set()
    assert queue(client, lead) == {three["a"], three["new"]}
    assert queue(client, auth("supervisor", "lead-2")) == {three["b"], three["new"]}


def test_a_search_comes_a_page_at_a_time_with_the_total(client, auth, registration):
    for index in range(23):
        registered(client, auth, registration, given_name=f"Pat{index:02d}")
    headers = auth("intake")
    first = client.get(CLIENTS, query_string={"query": "pat"}, headers=headers)
    assert len(first.get_json()) == 20  # the default page size
    assert first.headers["X-Pagination"] and '"total": 23' in first.headers["X-Pagination"]
    second = client.get(CLIENTS, query_string={"query": "pat", "page": 2}, headers=headers)
    assert len(second.get_json()) == 3
    assert {c["id"] for c in first.get_json()} & {c["id"] for c in second.get_json()} == set()
    too_big = client.get(CLIENTS, query_string={"query": "pat", "page_size": 51}, headers=headers)
    assert too_big.status_code == 422
    assert len(client.get(CLIENTS, query_string={"query": "pat", "page_size": 50}, headers=headers).get_json()) == 23
