"""Outcomes on fake storage for unit tests: its app, events delivered straight to its handlers, and a
client in treatment with a clinician (as intake and sessions would have told it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from services.outcomes import bootstrap
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
NOW = datetime.now(UTC).replace(microsecond=0)


def headers(role: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}


def app(deps: bootstrap.Dependencies) -> FlaskClient:
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def deliver(deps: bootstrap.Dependencies, type_: str, client_id: str, **changes: object) -> None:
    """The contract's example event for `client_id`, changed as given, handled as the worker would."""
    data = dict(contract_for(type_, 1).example, client_id=client_id, **changes)
    event = Envelope(type=type_, version=1, source="test", subject=client_id, data=data, time=NOW)
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


def client_in(deps: bootstrap.Dependencies, program: str, client_id: str, clinician: str) -> str:
    """A client of `program` in treatment with `clinician`, screened at intake (PHQ-9 14, scores only)."""
    opened = (NOW - timedelta(days=20)).isoformat()
    deliver(deps, "intake.client.registered", client_id, program=program, registered_at=opened)
    episode = {"episode_id": f"{client_id}-episode", "program": program}
    deliver(deps, "sessions.episode.opened", client_id, **episode, opened_at=opened)
    deliver(deps, "sessions.episode.assigned", client_id, **episode, clinician_id=clinician)
    screening = {"screening_id": f"{client_id}-screening", "instrument": "phq9", "total": 14, "flags": []}
    deliver(deps, "intake.screening.completed", client_id, **screening, administered_at=opened)
    return client_id
