"""Break glass in intake: a clinician's grant to read one client outside their caseload, for a
while, never to change it; published without the reason; reviewed once by someone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.intake import bootstrap
from tests.support.events import assign_in_intake, supervise

CLIENTS = "/api/v1/clients"
GRANTS = "/api/v1/emergency-access"
REASON = "Client phoned the crisis line at 2am; their clinician is away"


@pytest.fixture
def client_id(client, auth, registration, intake) -> str:
    found = client.post(CLIENTS, json=registration(), headers=auth("intake", "nurse-1")).get_json()["id"]
    assign_in_intake(intake.deps, found, "dr-a")
    return found


def break_glass(client, auth, client_id: str, sub: str = "dr-b", reason: str = REASON):
    return client.post(
        f"{CLIENTS}/{client_id}/emergency-access", json={"reason": reason}, headers=auth("clinician", sub)
    )


def audit_records(intake) -> list[dict]:
    return list(intake.deps.memory.snapshot()["audit"].values())


def expire(intake, grant_id: str) -> None:
    grants = intake.deps.repos.grants
    grant = grants.get(grant_id)
    grant.granted_at, grant.expires_at = grant.granted_at - timedelta(hours=3), grant.expires_at - timedelta(hours=3)
    uow = intake.deps.uow()
    grants.save(grant, uow)
    uow.commit()


def test_a_grant_opens_the_client_for_reading_only(client, auth, client_id, intake):
    other = auth("clinician", "dr-b")
    assert client.get(f"{CLIENTS}/{client_id}", headers=other).status_code == 404

    granted = break_glass(client, auth, client_id)

    assert granted.status_code == 201
    grant = granted.get_json()
    assert set(grant) == {"id", "client_id", "staff_id", "granted_at", "expires_at"}
    assert grant["client_id"] == client_id and grant["staff_id"] == "dr-b"
    lasts = datetime.fromisoformat(grant["expires_at"]) - datetime.fromisoformat(grant["granted_at"])
    assert lasts == timedelta(minutes=60)
    assert client.get(f"{CLIENTS}/{client_id}", headers=other).status_code == 200
    assert client.get(f"{CLIENTS}/{client_id}/screenings", headers=other).status_code == 200
    changed = client.patch(f"{CLIENTS}/{client_id}", json={"given_name": "Sam"}, headers=other)
    assert changed.status_code == 404
    flagged = client.post(f"{CLIENTS}/{client_id}/risk-flags", json={"urgency": "high"}, headers=other)
    assert flagged.status_code == 404


def test_a_grant_does_not_grow_the_search(client, auth, client_id):
    break_glass(client, auth, client_id)
    found = client.get(f"{CLIENTS}?query=Alex", headers=auth("clinician", "dr-b")).get_json()
    assert found == []


def test_a_grant_opens_nothing_to_another_clinician_nor_another_client(client, auth, registration, client_id, intake):
    break_glass(client, auth, client_id)
    assert client.get(f"{CLIENTS}/{client_id}", headers=auth("clinician", "dr-c")).status_code == 404
    second = client.post(CLIENTS, json=registration(given_name="Robin"), headers=auth("intake", "nurse-1")).get_json()[
        "id"
    ]
    assign_in_intake(intake.deps, second, "dr-a", episode_id="episode-2")
    assert client.get(f"{CLIENTS}/{second}", headers=auth("clinician", "dr-b")).status_code == 404


def test_an_expired_grant_opens_nothing(client, auth, client_id, intake):
    grant = break_glass(client, auth, client_id).get_json()
    expire(intake, grant["id"])
    assert client.get(f"{CLIENTS}/{client_id}", headers=auth("clinician", "dr-b")).status_code == 404


def test_asked_again_while_in_force_the_same_grant_is_answered(client, auth, client_id, intake):
    first = break_glass(client, auth, client_id)
    again = break_glass(client, auth, client_id, reason="Asked a second time for the same night")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    published = [e for e in intake.events if e.type == "intake.emergency_access.granted"]
    assert len(published) == 1


def test_an_unknown_client_is_404_and_the_reason_is_checked(client, auth, client_id):
    assert break_glass(client, auth, "no-such-client").status_code == 404
    assert break_glass(client, auth, client_id, reason="too short").status_code == 422
    assert break_glass(client, auth, client_id, reason="x" * 501).status_code == 422


def test_a_supervisor_of_another_team_breaks_glass_to_read_the_client(client, auth, client_id, intake):
    supervise(bootstrap, intake.deps, "dr-a", "lead-a")
    lead_b, url = auth("supervisor", "lead-b"), f"{CLIENTS}/{client_id}"
    assert client.get(url, headers=lead_b).status_code == 404
    asked = client.post(f"{url}/emergency-access", json={"reason": REASON}, headers=lead_b)
    assert asked.status_code == 201 and asked.get_json()["staff_id"] == "lead-b"
    assert client.get(url, headers=lead_b).status_code == 200
    assert client.patch(url, json={"given_name": "Al"}, headers=lead_b).status_code == 404  # reads only


@pytest.mark.parametrize("role", ["intake", "ops", "admin"])
def test_only_clinicians_and_supervisors_break_glass(client, auth, client_id, role):
    response = client.post(f"{CLIENTS}/{client_id}/emergency-access", json={"reason": REASON}, headers=auth(role))
    assert response.status_code == 403


def test_the_event_and_the_audit_trail_carry_the_grant_never_the_reason(client, auth, client_id, intake):
    grant = break_glass(client, auth, client_id).get_json()
    client.get(f"{CLIENTS}/{client_id}", headers=auth("clinician", "dr-b"))

    (event,) = [e for e in intake.events if e.type == "intake.emergency_access.granted"]
    assert event.data == {key: grant[key if key != "grant_id" else "id"] for key in event.data}
    assert set(event.data) == {"grant_id", "client_id", "staff_id", "granted_at", "expires_at"}
    records = audit_records(intake)
    assert all(REASON not in str(record) for record in records)
    assert REASON not in str(event)
    reads = [r for r in records if r["action"] == "GET clients.ClientById" and r["actor"] == "dr-b"]
    assert [r["emergency_grant"] for r in reads] == [grant["id"]]
    asked = [r for r in records if r["action"] == "POST emergency_access.BreakGlass"]
    assert asked and asked[0]["clients"] == [client_id]


def test_reads_of_the_own_caseload_name_no_grant(client, auth, client_id, intake):
    client.get(f"{CLIENTS}/{client_id}", headers=auth("clinician", "dr-a"))
    (read,) = [r for r in audit_records(intake) if r["action"] == "GET clients.ClientById"]
    assert read["emergency_grant"] is None


def test_supervisors_list_grants_with_reason_and_reads_and_review_them_once(client, auth, client_id):
    grant = break_glass(client, auth, client_id).get_json()
    for _ in range(2):
        client.get(f"{CLIENTS}/{client_id}", headers=auth("clinician", "dr-b"))
    lead = auth("supervisor", "lead-1")

    (listed,) = client.get(f"{GRANTS}?reviewed=false", headers=lead).get_json()
    assert listed["id"] == grant["id"] and listed["reason"] == REASON and listed["reads"] == 2
    assert client.get(f"{GRANTS}?reviewed=true", headers=lead).get_json() == []

    reviewed = client.post(f"{GRANTS}/{grant['id']}/review", json={"note": "Justified: crisis call"}, headers=lead)
    assert reviewed.status_code == 200
    assert reviewed.get_json()["reviewed_by"] == "lead-1" and reviewed.get_json()["review_note"]
    again = client.post(f"{GRANTS}/{grant['id']}/review", json={"note": "Again"}, headers=auth("admin", "boss"))
    assert again.status_code == 409
    assert client.get(f"{GRANTS}?reviewed=false", headers=lead).get_json() == []
    assert [g["id"] for g in client.get(f"{GRANTS}?reviewed=true", headers=lead).get_json()] == [grant["id"]]


def test_the_review_list_pages_and_filters_by_time(client, auth, client_id):
    break_glass(client, auth, client_id)
    break_glass(client, auth, client_id, sub="dr-c")
    lead = auth("admin", "boss")
    page = client.get(f"{GRANTS}?page_size=1", headers=lead)
    assert len(page.get_json()) == 1 and '"total": 2' in page.headers["X-Pagination"]
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert client.get(f"{GRANTS}?from={later}", headers=lead).get_json() == []


def test_nobody_reviews_their_own_grant_and_unknown_grants_are_404(client, auth, client_id):
    grant = break_glass(client, auth, client_id).get_json()
    lead = auth("supervisor", "dr-b")  # the grantee, with another role's token
    own = client.post(f"{GRANTS}/{grant['id']}/review", json={"note": "Fine"}, headers=lead)
    assert own.status_code == 403
    unknown = client.post(f"{GRANTS}/no-such-grant/review", json={"note": "Fine"}, headers=auth("admin"))
    assert unknown.status_code == 404


@pytest.mark.parametrize("role", ["clinician", "intake", "ops"])
def test_only_supervisors_and_admin_see_and_review_grants(client, auth, client_id, role):
    grant = break_glass(client, auth, client_id).get_json()
    assert client.get(GRANTS, headers=auth(role)).status_code == 403
    review = client.post(f"{GRANTS}/{grant['id']}/review", json={"note": "Fine"}, headers=auth(role))
    assert review.status_code == 403
