"""The clinic simulator against the running platform: a handful of synthetic clients as fast as
possible, no call answered with an error, and what they did visible through every service's API."""

from __future__ import annotations

import requests

from simulator import Clinic, Endpoints, Tokens, UrllibTransport
from tests.support.infra import wait_for

# Seed 59 among five clients: an intake risk flag, a risk shown in a session, a client who never
# consents, a substance-use program and self-reports between sessions.
CLIENTS, SEED, SESSIONS = 5, 59, 8


def api(stack, service: str, path: str, **params) -> requests.Response:
    url = f"{stack.url(service)}/api/v1{path}"
    return requests.get(url, headers=stack.headers("admin", "e2e-admin"), params=params, timeout=10)


def test_five_simulated_clients_go_through_the_clinic_without_an_error(stack):
    endpoints = Endpoints({service: stack.url(service) for service in stack.ports})
    tokens = Tokens(stack.env["IPT_JWT_SECRET"])
    clinic = Clinic(SEED, UrllibTransport(), endpoints, tokens, sessions_per_course=SESSIONS)
    summary = clinic.run(CLIENTS, concurrency=CLIENTS)

    assert summary.error_count == 0, summary.to_text()
    plan = clinic.plan(CLIENTS)
    admitted = [client for client in plan.clients if client.admitted]
    assert summary.journeys == {"discharged": len(admitted)} | (
        {"not_admitted": CLIENTS - len(admitted)} if len(admitted) < CLIENTS else {}
    )
    assert len(admitted) >= 3 and summary.calls["record"]["count"] >= len(admitted)

    for client in plan.clients:
        found = api(stack, "intake", "/clients", query=f"{client.given_name} {client.family_name}",
                    date_of_birth=client.date_of_birth.isoformat())  # fmt: skip
        assert found.status_code == 200, found.text
        [registered] = [c for c in found.json() if c["program"] == client.program]
        assert registered["status"] == ("admitted" if client.admitted else registered["status"])
        if not client.admitted:
            continue
        client_id = registered["id"]
        [episode] = [e for e in api(stack, "sessions", "/episodes", client_id=client_id).json() if e["clinician_id"]]
        attended = sum(session.attended for session in client.sessions)
        assert (episode["clinician_id"], episode["attended_sessions"]) == (client.clinician, attended)
        assert episode["closed_reason"] == client.closed_reason
        sessions = api(stack, "sessions", f"/episodes/{episode['id']}/sessions").json()
        assert sorted(s["status"] for s in sessions) == sorted(
            "attended" if s.attended else "no_show" for s in client.sessions
        )

        def measures_in_outcomes(client_id: str = client_id, expected: int = attended + 1) -> list | None:
            # The intake PHQ-9 and one per session attended; they reach outcomes through Kafka.
            response = api(stack, "outcomes", f"/clients/{client_id}/measures")
            phq9 = [m for m in response.json() if m["instrument"] == "phq9"] if response.ok else []
            return phq9 if len(phq9) >= expected else None

        phq9 = wait_for(measures_in_outcomes, 30, "the client's PHQ-9 series in outcomes")
        assert {m["source"] for m in phq9} >= {"intake", "session"}
