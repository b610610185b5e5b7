"""Registration at intake opens a pending episode in sessions, through Kafka, over HTTP."""

from __future__ import annotations

import uuid

import requests

from tests.support.infra import wait_for


def new_client(suffix: str | None = None) -> dict:
    suffix = suffix or uuid.uuid4().hex[:8]
    return {
        "given_name": f"Robin{suffix}",
        "family_name": f"Tester{suffix}",
        "date_of_birth": "1988-07-14",
        "program": "co_occurring",
        "contact": {"email": f"r{suffix}@example.org", "phone": "+15550123"},
        "preferred_channel": "sms",
    }


def register(stack, body: dict) -> dict:
    response = requests.post(
        f"{stack.url('intake')}/api/v1/clients", json=body, headers=stack.headers("intake"), timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def episodes(stack, client_id: str) -> list[dict]:
    response = requests.get(
        f"{stack.url('sessions')}/api/v1/episodes",
        params={"client_id": client_id},
        headers=stack.headers("admin"),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_registered_client_gets_a_pending_episode(stack):
    client = register(stack, new_client())
    found = wait_for(lambda: episodes(stack, client["id"]), 20, "the pending episode")
    assert len(found) == 1
    assert found[0]["client_id"] == client["id"] and found[0]["status"] == "pending"
    assert set(found[0]) >= {"id", "client_id", "status"}


def test_other_services_learn_of_the_client(stack):
    report_url = f"{stack.url('outcomes')}/api/v1/reports/programs"
    total = lambda: requests.get(report_url, headers=stack.headers("ops"), timeout=5).json()["total_clients"]  # noqa: E731
    before = total()
    client = register(stack, new_client())
    url = f"{stack.url('notifications')}/api/v1/recipients/{client['id']}"
    recipient = wait_for(
        lambda: (
            requests.get(url, headers=stack.headers("supervisor"), timeout=5).json()
            if requests.get(url, headers=stack.headers("supervisor"), timeout=5).ok
            else None
        ),
        20,
        "notifications to know the recipient",
    )
    assert recipient == {"client_id": client["id"], "preferred_channel": "sms", "reachable": True}
    wait_for(lambda: total() > before, 20, "outcomes to count the new client")


def test_episode_list_is_empty_for_an_unknown_client(stack):
    assert episodes(stack, str(uuid.uuid4())) == []


def test_invalid_registration_is_rejected_with_field_errors(stack):
    body = new_client() | {"date_of_birth": "14/07/1988", "program": "detox"}
    response = requests.post(
        f"{stack.url('intake')}/api/v1/clients", json=body, headers=stack.headers("intake"), timeout=10
    )
    assert response.status_code == 422
    errors = response.json()["errors"]["json"]
    assert set(errors) == {"date_of_birth", "program"}
