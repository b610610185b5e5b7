"""Sessions honours intake's emergency grants: the grantee reads the client's episodes by client id
until the grant expires, and the audit trail names the grant; the caseload does not grow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.sessions import bootstrap
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
CLIENT = "client-8"
GRANTEE = {"Authorization": f"Bearer {issue_token(SECRET, 'dr-b', 'clinician')}"}


def deliver(deps, type_: str, **changes) -> None:
    data = dict(contract_for(type_, 1).example, **changes)
    event = Envelope(type=type_, version=1, source="test", subject=data["client_id"], data=data, time=datetime.now(UTC))
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


@pytest.fixture
def deps():
    deps = bootstrap.fake_dependencies()
    deliver(deps, "intake.client.registered", client_id=CLIENT)
    return deps


@pytest.fixture
def api(deps):
    settings = Settings.from_env("sessions", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def grant(deps, expires_in: timedelta = timedelta(hours=1)) -> None:
    now = datetime.now(UTC)
    deliver(
        deps,
        "intake.emergency_access.granted",
        grant_id="grant-1",
        client_id=CLIENT,
        staff_id="dr-b",
        granted_at=(now - timedelta(minutes=1)).isoformat(),
        expires_at=(now + expires_in).isoformat(),
    )


def test_the_grantee_reads_the_clients_episode_under_the_grant(api, deps):
    [episode] = deps.repos.episodes.for_client(CLIENT)
    assert api.get(f"/api/v1/episodes?client_id={CLIENT}", headers=GRANTEE).get_json() == []
    assert api.get(f"/api/v1/episodes/{episode.id}", headers=GRANTEE).status_code == 404
    grant(deps)
    assert [e["id"] for e in api.get(f"/api/v1/episodes?client_id={CLIENT}", headers=GRANTEE).get_json()] == [
        episode.id
    ]
    assert api.get(f"/api/v1/episodes/{episode.id}", headers=GRANTEE).status_code == 200
    records = sorted(deps.memory.snapshot()["audit"].values(), key=lambda record: record["at"])
    assert [r["emergency_grant"] for r in records if r["actor"] == "dr-b"] == [None, None, "grant-1", "grant-1"]


def test_a_grant_never_opens_a_change(api, deps):
    [episode] = deps.repos.episodes.for_client(CLIENT)
    grant(deps)
    changed = api.patch(f"/api/v1/episodes/{episode.id}", json={"status": "closed"}, headers=GRANTEE)
    assert changed.status_code in (404, 422)
    assert changed.status_code != 200


def test_an_expired_grant_opens_nothing(api, deps):
    [episode] = deps.repos.episodes.for_client(CLIENT)
    grant(deps, expires_in=-timedelta(seconds=1))
    assert api.get(f"/api/v1/episodes/{episode.id}", headers=GRANTEE).status_code == 404
