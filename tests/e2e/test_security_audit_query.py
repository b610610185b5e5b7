"""On the running platform: the admin's audit query answers who read a client, from where and with
what result, from the trail each service keeps in its own database."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import requests

from tests.e2e.test_first_slice import new_client, register
from tests.support.infra import wait_for


def audit(stack, service: str, **params: str) -> list[dict]:
    response = requests.get(
        f"{stack.url(service)}/api/v1/audit", params=params, headers=stack.headers("admin", "auditor"), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_audit_query_names_who_read_a_client(stack):
    tag = secrets.token_hex(3)
    started = datetime.now(UTC) - timedelta(seconds=5)
    client_id = register(stack, new_client())["id"]
    record = f"{stack.url('intake')}/api/v1/clients/{client_id}"
    reader, stranger = f"sup-{tag}", f"dr-{tag}"
    assert requests.get(record, headers=stack.headers("supervisor", reader), timeout=10).status_code == 200
    assert requests.get(record, headers=stack.headers("clinician", stranger), timeout=10).status_code == 404

    window = {"from": started.isoformat(), "to": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()}
    trail = audit(stack, "intake", client_id=client_id, **window)
    reads = [(e["actor"], e["role"], e["action"], e["result"]) for e in trail if e["action"].startswith("GET")]
    assert reads == [
        (stranger, "clinician", "GET clients.ClientById", "refused"),
        (reader, "supervisor", "GET clients.ClientById", "ok"),
    ]
    assert {e["address"] for e in trail} == {"127.0.0.1"} and all(e["service"] == "intake" for e in trail)
    assert [e["action"] for e in trail][-1] == "POST clients.Clients"  # who registered them, first
    assert [e["actor"] for e in audit(stack, "intake", actor=reader, **window)] == [reader]
    for role in ("supervisor", "clinician", "intake", "ops"):
        refused = requests.get(f"{stack.url('intake')}/api/v1/audit", headers=stack.headers(role), timeout=10)
        assert refused.status_code == 403

    # Sessions keeps its own trail: reading the client's episodes is on it.
    episodes = f"{stack.url('sessions')}/api/v1/episodes"

    def episode_read():
        response = requests.get(
            episodes, params={"client_id": client_id}, headers=stack.headers("supervisor", reader), timeout=10
        )
        return response.json() or None

    wait_for(episode_read, 30, "sessions to open the client's episode")
    assert reader in {e["actor"] for e in audit(stack, "sessions", client_id=client_id)}
