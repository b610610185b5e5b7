"""Listing alerts and taking one on are on notifications' audit trail, with the clients concerned."""

from __future__ import annotations

import pytest

from shared.audit import AuditQuery
from shared.audit_api import AUDIT_KEY
from shared.auth import issue_token
from tests.unit.notifications.conftest import World
from tests.unit.shared.conftest import SECRET, make_app


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def app(world):
    return make_app("notifications", deps=world.deps)


def call(app, method: str, path: str, role: str, sub: str):
    headers = {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}
    return app.test_client().open(f"/api/v1{path}", method=method, headers=headers)


def trail(app, **query):
    records, _ = app.extensions[AUDIT_KEY].find(AuditQuery(**query))
    return [(r.actor, r.action, r.clients, r.result) for r in reversed(records)]


def test_alert_listing_and_acknowledgement_are_recorded_with_the_client(world, app, client_id):
    on_call = {"clinician": "dr-oc", "supervisor": "sup", "clinical_lead": "lead"}
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'sup', 'supervisor')}"}
    assert app.test_client().put("/api/v1/on-call", json=on_call, headers=headers).status_code == 200
    world.feed("intake.risk.flagged", client_id=client_id)
    [alert] = call(app, "GET", "/alerts?status=open", "clinician", "dr-oc").get_json()
    assert call(app, "GET", "/alerts?status=open", "clinician", "dr-x").get_json() == []
    assert call(app, "POST", f"/alerts/{alert['id']}/acknowledge", "clinician", "dr-x").status_code == 404
    assert call(app, "POST", f"/alerts/{alert['id']}/acknowledge", "clinician", "dr-oc").status_code == 200
    assert trail(app, client_id=client_id) == [
        ("dr-oc", "GET alerts.Alerts", (client_id,), "ok"),
        ("dr-oc", "POST alerts.AcknowledgeAlert", (client_id,), "ok"),
    ]
    # What showed nobody, and the refused acknowledgement, are recorded too (no client shown).
    assert trail(app, actor="dr-x") == [
        ("dr-x", "GET alerts.Alerts", (), "ok"),
        ("dr-x", "POST alerts.AcknowledgeAlert", (), "not_found"),
    ]
