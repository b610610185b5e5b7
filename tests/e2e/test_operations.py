"""Operational surface of every running service: health, readiness, metrics, docs, auth, logs."""

from __future__ import annotations

import re

import pytest
import requests

from shared.config import SERVICES
from tests.e2e.test_first_slice import new_client, register
from tests.support.infra import wait_for


@pytest.mark.parametrize("service", SERVICES)
def test_health_and_readiness(stack, service):
    assert requests.get(f"{stack.url(service)}/healthz", timeout=5).json()["status"] == "ok"
    ready = requests.get(f"{stack.url(service)}/readyz", timeout=5)
    assert ready.status_code == 200 and set(ready.json()["checks"]) == {"mongodb", "kafka"}


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_and_docs_are_served(stack, service):
    spec = requests.get(f"{stack.url(service)}/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.")
    assert any(path.startswith("/api/v1/") for path in spec["paths"])
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert requests.get(f"{stack.url(service)}/docs", timeout=5).status_code == 200


def counter_total(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for match in re.finditer(rf"^{name}\{{([^}}]*)\}} (\S+)$", text, re.M):
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total


def test_metrics_count_requests_across_all_gunicorn_workers(stack):
    url = f"{stack.url('sessions')}/api/v1/episodes"
    scrape = lambda: requests.get(f"{stack.url('sessions')}/metrics", timeout=5).text  # noqa: E731
    before = counter_total(scrape(), "http_requests_total", endpoint="/api/v1/episodes", status="403")
    for _ in range(20):  # spread over both workers by the kernel's accept balancing
        requests.get(url, params={"client_id": "x"}, headers=stack.headers("ops"), timeout=5)
    after = counter_total(scrape(), "http_requests_total", endpoint="/api/v1/episodes", status="403")
    assert after - before == 20


def test_event_flow_is_measured(stack):
    register(stack, new_client())
    worker = f"http://127.0.0.1:{stack.ports['sessions'] + 100}/metrics"
    wait_for(
        lambda: (
            counter_total(
                requests.get(worker, timeout=5).text, "events_consumed_total", type="intake.client.registered"
            )
            >= 1
        ),
        20,
        "sessions to count consumption",
    )
    intake_worker = f"http://127.0.0.1:{stack.ports['intake'] + 100}/metrics"
    text = requests.get(intake_worker, timeout=5).text
    assert counter_total(text, "events_published_total", type="intake.client.registered") >= 1
    assert "outbox_backlog" in text


def test_api_requires_a_valid_token(stack):
    url = f"{stack.url('intake')}/api/v1/clients"
    assert requests.post(url, json=new_client(), timeout=5).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert requests.post(url, json=new_client(), headers=bad, timeout=5).status_code == 401
    forbidden = requests.post(url, json=new_client(), headers=stack.headers("ops"), timeout=5)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == 403


def test_logs_carry_no_client_details(stack):
    body = new_client("Zq" + "x" * 6)
    client = register(stack, body)
    wait_for(
        lambda: requests.get(
            f"{stack.url('sessions')}/api/v1/episodes",
            params={"client_id": client["id"]},
            headers=stack.headers("admin"),
            timeout=5,
        ).json(),
        20,
        "the episode",
    )
    logs = stack.logs()
    for secret in (body["given_name"], body["family_name"], body["contact"]["email"], body["date_of_birth"]):
        assert secret not in logs
