"""The audit trail: append-only in each service's database, written for every signed-in request that
touches client data, holding identifiers only, and queried by admin on every service."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from shared.audit import AUDIT, AuditQuery, AuditTrail, new_record
from shared.audit_api import AUDIT_KEY
from shared.config import SERVICES
from shared.errors import AlreadyExists
from shared.memory import InMemoryDatabase
from shared.roles import ROLES
from tests.support.events import assign_in_intake
from tests.unit.shared.conftest import make_app

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# A URL on each service that names client c-1 (in its path or its query).
NAMING_A_CLIENT = {
    "intake": "/api/v1/clients/c-1",
    "sessions": "/api/v1/episodes?client_id=c-1",
    "outcomes": "/api/v1/clients/c-1/outcomes",
    "notifications": "/api/v1/recipients/c-1",
}


def record(minutes: int = 0, actor: str = "dr-a", clients: tuple[str, ...] = ("c-1",), **changes):
    fields = dict(service="intake", actor=actor, role="clinician", action="GET clients.ClientById")
    fields |= dict(address="10.0.0.7", status=200, clients=clients, at=T0 + timedelta(minutes=minutes))
    return new_record(**fields | changes)


@pytest.fixture
def trail() -> AuditTrail:
    memory = InMemoryDatabase()
    return AuditTrail(memory.stores, memory.unit_of_work("intake"))


# -- the trail --------------------------------------------------------------------------------------
def test_records_are_found_by_client_actor_and_time_newest_first(trail):
    first, second = record(0), record(5, actor="dr-b")
    listed = record(10, actor="nurse", clients=("c-1", "c-2", "c-1"), action="GET clients.WorkQueue")
    other = record(15, clients=("c-3",))
    for each in (first, second, listed, other):
        trail.append(each)
    assert listed.clients == ("c-1", "c-2") and listed.client_id is None and first.client_id == "c-1"
    assert trail.find(AuditQuery(client_id="c-1")) == ([listed, second, first], 3)
    assert trail.find(AuditQuery(client_id="c-2")) == ([listed], 1)
    assert trail.find(AuditQuery(actor="dr-a")) == ([other, first], 2)
    window = AuditQuery(start=T0 + timedelta(minutes=5), end=T0 + timedelta(minutes=15))
    assert trail.find(window) == ([listed, second], 2)
    assert trail.find(AuditQuery(), offset=1, limit=2) == ([listed, second], 4)


def test_the_trail_can_only_append_and_find(trail):
    entry = record()
    trail.append(entry)
    with pytest.raises(AlreadyExists):
        trail.append(entry)  # an insert: a record already there is never replaced
    assert [name for name in vars(AuditTrail) if not name.startswith("_")] == ["append", "find"]


def test_no_code_updates_or_deletes_audit_records(project_root):
    """The audit collection is reached only through AuditTrail (append, find) and for indexes."""
    users = []
    for path in [*project_root.glob("shared/**/*.py"), *project_root.glob("services/**/*.py")]:
        text = path.read_text()
        relative = str(path.relative_to(project_root))
        if re.search(r"from shared\.audit import [^\n]*\bAUDIT\b(?!_)|shared\.audit\.AUDIT\b", text):
            users.append(relative)
        # No direct handle on the collection either (`db["audit"]`, `get_collection("audit")`).
        direct = r"""(\w*(db|database)\s*\[\s*["']audit["']\s*\]|collection\(\s*["']audit["']\s*\))"""
        assert not re.search(direct, text), relative
    assert users and all(path.endswith("adapters/__init__.py") for path in users), users
    source = (project_root / "shared/audit.py").read_text()
    assert set(re.findall(r"self\._records\.(\w+)\(", source)) == {"add", "find", "count"}


def test_results_say_what_came_of_the_request():
    assert [record(status=status).result for status in (200, 302, 401, 403, 404, 422, 500)] == [
        "ok",
        "ok",
        "denied",
        "denied",
        "not_found",
        "invalid",
        "error",
    ]
    assert record(status=404, result="refused").result == "refused"


# -- every service ----------------------------------------------------------------------------------
def headers(auth, role: str, sub: str = "dr-a") -> dict[str, str]:
    return auth(role, sub)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_records_who_named_a_client_and_admin_alone_reads_it(service, auth):
    app = make_app(service)
    web = app.test_client()
    before = datetime.now(UTC) - timedelta(seconds=1)
    web.get(NAMING_A_CLIENT[service], headers=auth("clinician", "dr-a"), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    for role in ROLES:
        expected = 200 if role == "admin" else 403
        assert web.get("/api/v1/audit", headers=auth(role, "boss")).status_code == expected, role
    response = web.get("/api/v1/audit", query_string={"client_id": "c-1"}, headers=auth("admin", "boss"))
    [entry] = response.get_json()
    assert (entry["actor"], entry["role"], entry["client_id"], entry["clients"]) == (
        "dr-a",
        "clinician",
        "c-1",
        ["c-1"],
    )
    assert entry["service"] == service and entry["address"] == "10.1.2.3"
    assert entry["action"].startswith("GET ") and entry["status"] in (200, 403, 404)
    assert before <= datetime.fromisoformat(entry["at"]) <= datetime.now(UTC)
    # The admin's own query named the client too, and is on the trail.
    again = web.get("/api/v1/audit", query_string={"client_id": "c-1"}, headers=auth("admin", "boss")).get_json()
    assert [e["actor"] for e in again] == ["boss", "dr-a"]


def test_the_audit_query_filters_by_actor_and_time_and_pages(auth):
    app = make_app("intake")
    web = app.test_client()
    trail: AuditTrail = app.extensions[AUDIT_KEY]
    for minutes in range(5):
        trail.append(record(minutes, actor="dr-a" if minutes % 2 else "dr-b"))
    admin = auth("admin", "boss")
    window = {"from": (T0 + timedelta(minutes=1)).isoformat(), "to": (T0 + timedelta(minutes=4)).isoformat()}
    found = web.get("/api/v1/audit", query_string={"actor": "dr-a", **window}, headers=admin).get_json()
    assert [e["at"] for e in found] == [(T0 + timedelta(minutes=m)).isoformat() for m in (3, 1)]
    page = web.get("/api/v1/audit", query_string={"actor": "dr-b", "page_size": 2}, headers=admin)
    assert len(page.get_json()) == 2 and '"total": 3' in page.headers["X-Pagination"]
    backwards = web.get("/api/v1/audit", query_string={"from": window["to"], "to": window["from"]}, headers=admin)
    assert backwards.status_code == 422 and "to" in backwards.get_json()["errors"]["query"]
    naive = web.get("/api/v1/audit", query_string={"from": "2026-11-30T09:00:00"}, headers=admin)
    assert naive.status_code == 422


# -- intake: what is recorded, and what never is -----------------------------------------------------
SECRETS = ("Quentin", "Zebulon", "1970-01-02", "q@example.org", "said goodbye", "Money troubles", "nightly")


def test_intake_records_every_read_and_change_with_ids_only(auth):
    app = make_app("intake")
    web = app.test_client()
    nurse = auth("intake", "nurse-7")
    body = {
        "given_name": "Quentin",
        "family_name": "Zebulon",
        "date_of_birth": "1970-01-02",
        "program": "mental_health",
        "contact": {"email": "q@example.org"},
        "preferred_channel": "email",
    }
    client_id = web.post("/api/v1/clients", json=body, headers=nurse).get_json()["id"]
    url = f"/api/v1/clients/{client_id}"
    web.post(f"{url}/screenings", json={"instrument": "phq9", "answers": [0] * 8 + [3]}, headers=nurse)
    web.post(f"{url}/risk-flags", json={"urgency": "high", "note": "said goodbye"}, headers=nurse)
    inventory = {
        "relationships": [{"person": "partner", "relationship": "partner", "closeness": 2, "conflictual": "nightly"}],
        "problem_areas": {"primary": {"area": "role_dispute", "stage": "impasse"}},
        "notes": "Money troubles",
    }
    web.put(f"{url}/assessment", json=inventory, headers=nurse)
    web.get("/api/v1/clients", query_string={"query": "quen"}, headers=nurse)
    web.get("/api/v1/work-queue", headers=nurse)
    web.get(url, headers=auth("clinician", "dr-b"))  # not theirs: refused, and recorded as such
    web.get("/api/v1/clients/no-such-client", headers=auth("clinician", "dr-b"))
    web.get("/api/v1/instruments", headers=nurse)  # reference data: no client, not recorded
    trail: AuditTrail = app.extensions[AUDIT_KEY]
    records, _ = trail.find(AuditQuery())
    assert [(r.action, r.client_id, r.result) for r in reversed(records)] == [
        ("POST clients.Clients", client_id, "ok"),
        ("POST clients.Screenings", client_id, "ok"),
        ("POST clients.RiskFlags", client_id, "ok"),
        ("PUT clients.ClientAssessment", client_id, "ok"),
        ("GET clients.Clients", client_id, "ok"),
        ("GET clients.WorkQueue", client_id, "ok"),
        ("GET clients.ClientById", client_id, "refused"),
        ("GET clients.ClientById", "no-such-client", "not_found"),
    ]
    stored = json.dumps([AUDIT.to_document(r) for r in records], default=str)
    assert not [secret for secret in SECRETS if secret in stored]
    assert "quen" not in stored  # nor what was searched for


def test_a_read_that_cannot_be_recorded_is_not_answered(auth, registration):
    app = make_app("intake")
    web = app.test_client()
    nurse = auth("intake", "nurse-7")
    client_id = web.post("/api/v1/clients", json=registration(), headers=nurse).get_json()["id"]

    def broken(_record):
        raise ConnectionError("database unreachable")

    app.extensions[AUDIT_KEY].append = broken
    read = web.get(f"/api/v1/clients/{client_id}", headers=nurse)
    assert read.status_code == 503 and "Alex" not in read.get_data(as_text=True)
    # A change that is done stays done (and says so); only its record is missing, which is logged.
    flagged = web.post(f"/api/v1/clients/{client_id}/risk-flags", json={"urgency": "high"}, headers=nurse)
    assert flagged.status_code == 201


def test_the_clients_own_clinician_reading_the_record_is_recorded(auth):
    from services.intake import bootstrap as intake_bootstrap

    deps = intake_bootstrap.fake_dependencies()
    app = make_app("intake", deps=deps)
    web = app.test_client()
    client_id = web.post(
        "/api/v1/clients",
        json={
            "given_name": "Ann",
            "family_name": "Lee",
            "date_of_birth": "1980-01-01",
            "program": "mental_health",
            "contact": {"email": "a@example.org"},
            "preferred_channel": "email",
        },
        headers=auth("intake"),
    ).get_json()["id"]
    assign_in_intake(deps, client_id, "dr-a")
    assert web.get(f"/api/v1/clients/{client_id}", headers=auth("clinician", "dr-a")).status_code == 200
    trail: AuditTrail = app.extensions[AUDIT_KEY]
    [read] = trail.find(AuditQuery(client_id=client_id, actor="dr-a"))[0]
    assert (read.action, read.result) == ("GET clients.ClientById", "ok")
