"""Every signed-in request that names or lists clients leaves one audit line, with ids only."""

from __future__ import annotations

import logging

import pytest

from services.intake.bootstrap import create_app, fake_dependencies
from shared.auth import issue_token
from shared.config import Settings

SECRET = "a" * 32


@pytest.fixture
def api():
    app = create_app(Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET}), deps=fake_dependencies())
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'nurse-7', 'intake')}"}
    return client, headers


def audit_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "audit"]


def test_reads_and_changes_of_a_record_are_audited(api, caplog):
    client, headers = api
    body = {
        "given_name": "Quentin",
        "family_name": "Zebulon",
        "date_of_birth": "1970-01-02",
        "program": "mental_health",
        "contact": {"email": "q@example.org"},
        "preferred_channel": "email",
    }
    created = client.post("/api/v1/clients", json=body, headers=headers).json["id"]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="audit"):
        client.get(f"/api/v1/clients/{created}/consents", headers=headers)
        client.get("/api/v1/clients?query=quen", headers=headers)
        client.get("/healthz")
        client.get("/api/v1/instruments", headers=headers)
    lines = audit_lines(caplog)
    assert [(r.action, r.client_id, r.actor) for r in lines] == [
        ("GET clients.Consents", created, "nurse-7"),
        ("GET clients.Clients", created, "nurse-7"),  # the search showed this client
    ]
    assert all("Quentin" not in str(vars(r)) and "quen" not in str(vars(r)) for r in lines)


def test_refused_requests_are_audited_with_their_status(api, caplog):
    client, _ = api
    ops = {"Authorization": f"Bearer {issue_token(SECRET, 'ops-1', 'ops')}"}
    with caplog.at_level(logging.INFO, logger="audit"):
        client.get("/api/v1/clients/some-id", headers=ops)
    [line] = audit_lines(caplog)
    assert (line.client_id, line.status, line.actor_role) == ("some-id", 403, "ops")
