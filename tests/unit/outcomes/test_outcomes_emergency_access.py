"""Outcomes honours intake's emergency grants: the grantee reads the client by id until the grant
expires, and the audit trail names the grant; a change stays refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.outcomes import bootstrap
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
CLIENT, EPISODE = "client-7", "episode-7"
GRANTEE = {"Authorization": f"Bearer {issue_token(SECRET, 'dr-b', 'clinician')}"}


def deliver(deps, type_: str, **changes) -> None:
    data = dict(contract_for(type_, 1).example, **changes)
    event = Envelope(type=type_, version=1, source="test", subject=data["client_id"], data=data, time=datetime.now(UTC))
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


@pytest.fixture
def deps():
    deps = bootstrap.fake_dependencies()
    now = datetime.now(UTC)
    deliver(deps, "intake.client.registered", client_id=CLIENT)
    deliver(deps, "sessions.episode.opened", client_id=CLIENT, episode_id=EPISODE, opened_at=now.isoformat())
    deliver(deps, "sessions.episode.assigned", client_id=CLIENT, episode_id=EPISODE, clinician_id="dr-a")
    return deps


@pytest.fixture
def api(deps):
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def grant(deps, expires_in: timedelta = timedelta(hours=1), grant_id: str = "grant-1") -> None:
    now = datetime.now(UTC)
    deliver(
        deps,
        "intake.emergency_access.granted",
        grant_id=grant_id,
        client_id=CLIENT,
        staff_id="dr-b",
        granted_at=(now - timedelta(minutes=1)).isoformat(),
        expires_at=(now + expires_in).isoformat(),
    )


def test_the_grantee_reads_the_client_and_the_episode_under_the_grant(api, deps):
    assert api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=GRANTEE).status_code == 404
    grant(deps)
    grant(deps)  # delivered twice: kept once
    for url in (
        f"/api/v1/clients/{CLIENT}/outcomes",
        f"/api/v1/clients/{CLIENT}/measures",
        f"/api/v1/episodes/{EPISODE}/outcomes",
    ):
        assert api.get(url, headers=GRANTEE).status_code == 200, url
    records = deps.memory.snapshot()["audit"].values()
    assert {r["emergency_grant"] for r in records if r["actor"] == "dr-b" and r["status"] == 200} == {"grant-1"}
    assert len(deps.memory.snapshot()["emergency_grants"]) == 1


def test_a_grant_never_opens_a_change(api, deps):
    grant(deps)
    measure = {"instrument": "phq9", "answers": [0] * 9, "extras": {"difficulty": 0}}
    assert api.post(f"/api/v1/clients/{CLIENT}/measures", json=measure, headers=GRANTEE).status_code == 404


def test_an_expired_grant_opens_nothing(api, deps):
    grant(deps, expires_in=-timedelta(seconds=1))
    assert api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=GRANTEE).status_code == 404
