"""Notifications on fake adapters: events in through the routing table, messages out through
recording channels, time passed in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.notifications import bootstrap, handlers
from shared.auth import issue_token
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope
from tests.unit.shared.conftest import SECRET, make_app

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York, the default centre zone


class World:
    """A notifications service in memory, fed events and run by hand."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.deps = bootstrap.fake_dependencies(env)
        self.routes = bootstrap.event_handlers(self.deps)

    def feed(self, type_: str, at: datetime = NOW, event_id: str | None = None, **changes) -> Envelope:
        contract = contract_for(type_, 1)
        data = dict(contract.example, **changes)
        for name, value in data.items():
            if isinstance(value, datetime):
                data[name] = value.isoformat()
        identity = {"id": event_id} if event_id else {}
        event = Envelope(
            type=type_,
            version=1,
            source=type_.split(".")[0],
            subject=data[contract.subject],  # a client's id, or a clinician's for news about staff
            data=data,
            time=at,
            **identity,
        )
        self.routes[type_](event, read_incoming(type_, 1, data), self.deps.uow(cause=event))
        return event

    def client(self, client_id: str, program: str = "mental_health", channel: str = "sms", **changes) -> str:
        self.feed(
            "intake.client.registered",
            client_id=client_id,
            program=program,
            preferred_channel=channel,
            given_name="Alex",
            contact={"email": "alex@example.org", "phone": "+15550100"},
            **changes,
        )
        return client_id

    def supervise(self, clinician_id: str, supervisor_id: str | None, changed_at: datetime = NOW) -> Envelope:
        """Sessions' news that `supervisor_id` now supervises `clinician_id` (None: nobody does)."""
        return self.feed(
            "sessions.clinician.supervisor_changed",
            at=changed_at,
            clinician_id=clinician_id,
            supervisor_id=supervisor_id,
            previous_supervisor_id=None,
            changed_at=changed_at,
        )

    def deliver(self, at: datetime) -> int:
        return handlers.deliver_due(
            at, self.deps.uow, self.deps.repos, self.deps.policy, self.deps.channels, lambda: at
        )

    def escalate(self, at: datetime) -> int:
        return handlers.escalate_due_alerts(at, self.deps.uow, self.deps.repos, self.deps.policy)

    def notifications(self, **filters):
        return self.deps.repos.notifications.search(**filters)

    def sent(self, channel: str) -> list:
        return self.deps.channels[channel].sent

    @property
    def outbox(self) -> list[Envelope]:
        return self.deps.memory.outbox


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def client_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def api(world):
    """Calls the notifications API of `world` as `role` (`sub`): `api("GET", "/alerts", "clinician", "dr-a")`."""
    app = make_app("notifications", deps=world.deps)
    client = app.test_client()

    def call(method: str, path: str, role: str = "supervisor", sub: str = "user-1", **kwargs):
        headers = {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call
