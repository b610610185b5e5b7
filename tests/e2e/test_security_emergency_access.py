"""On the running platform: a clinician breaks glass in intake for a client they cannot see, then
reads the client in outcomes and sessions once the grant's event arrives; the supervisor's review
list shows the grant, and the audit trail names it beside the read."""

from __future__ import annotations

import secrets

import requests

from tests.e2e.test_first_slice import new_client, register
from tests.support.infra import wait_for

REASON = "Client called the crisis line overnight; their clinician is off shift"


def test_a_clinician_breaks_glass_and_reads_the_client_elsewhere_on_the_record(stack):
    tag = secrets.token_hex(3)
    client_id = register(stack, new_client())["id"]
    clinician, lead = stack.headers("clinician", f"dr-{tag}"), stack.headers("supervisor", f"sup-{tag}")
    outcomes = f"{stack.url('outcomes')}/api/v1/clients/{client_id}/outcomes"

    def known_to_outcomes():
        return requests.get(outcomes, headers=lead, timeout=10).status_code == 200 or None

    wait_for(known_to_outcomes, 60, "outcomes to enrol the client")
    assert requests.get(outcomes, headers=clinician, timeout=10).status_code == 404

    asked = requests.post(
        f"{stack.url('intake')}/api/v1/clients/{client_id}/emergency-access",
        json={"reason": REASON},
        headers=clinician,
        timeout=10,
    )
    assert asked.status_code == 201, asked.text
    grant = asked.json()

    def read_in_outcomes():
        return requests.get(outcomes, headers=clinician, timeout=10).status_code == 200 or None

    def read_in_sessions():
        response = requests.get(
            f"{stack.url('sessions')}/api/v1/episodes", params={"client_id": client_id}, headers=clinician, timeout=10
        )
        return response.json() or None

    wait_for(read_in_outcomes, 60, "outcomes to learn of the grant")
    wait_for(read_in_sessions, 60, "sessions to learn of the grant")

    pending = requests.get(
        f"{stack.url('intake')}/api/v1/emergency-access",
        params={"reviewed": "false", "page_size": 200},
        headers=lead,
        timeout=10,
    )
    assert pending.status_code == 200
    (listed,) = [g for g in pending.json() if g["id"] == grant["id"]]
    assert (listed["client_id"], listed["staff_id"], listed["reason"]) == (client_id, f"dr-{tag}", REASON)

    trail = requests.get(
        f"{stack.url('outcomes')}/api/v1/audit",
        params={"client_id": client_id},
        headers=stack.headers("admin", "auditor"),
        timeout=10,
    ).json()
    reads = [e for e in trail if e["actor"] == f"dr-{tag}" and e["result"] == "ok"]
    assert reads and {e["emergency_grant"] for e in reads} == {grant["id"]}
    assert all(REASON not in str(e) for e in trail)
