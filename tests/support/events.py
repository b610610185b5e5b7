"""Valid example events for tests, built from the contracts' own examples."""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any

from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope, utcnow


def registered_event(client_id: str | None = None, **overrides) -> Envelope:
    client_id = client_id or str(uuid.uuid4())
    data = dict(contract_for("intake.client.registered", 1).example, client_id=client_id, **overrides)
    return Envelope(type="intake.client.registered", version=1, source="intake", subject=client_id, data=data)


def deliver(bootstrap: ModuleType, deps: Any, type_: str, **changes: Any) -> Envelope:
    """An example event of `type_` (fields changed as given) handled by the service's routing table,
    as its consumer would: read tolerantly, in a unit of work caused by the event."""
    contract = contract_for(type_, 1)
    data = dict(contract.example, **changes)
    event = Envelope(
        type=type_, version=1, source=type_.split(".")[0], subject=data[contract.subject], data=data, time=utcnow()
    )
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))
    return event


def assign_in_intake(deps: Any, client_id: str, clinician_id: str, episode_id: str = "episode-1") -> None:
    """Sessions announces that `clinician_id` took the client on: intake's caseload learns it."""
    from services.intake import bootstrap

    deliver(
        bootstrap,
        deps,
        "sessions.episode.assigned",
        client_id=client_id,
        clinician_id=clinician_id,
        episode_id=episode_id,
    )


def supervise(
    bootstrap: ModuleType, deps: Any, clinician_id: str, supervisor_id: str | None, **changes: Any
) -> Envelope:
    """Sessions announces that `supervisor_id` now supervises `clinician_id` (None: nobody does):
    the service of `bootstrap` learns the supervisor's team from it."""
    return deliver(
        bootstrap,
        deps,
        "sessions.clinician.supervisor_changed",
        clinician_id=clinician_id,
        supervisor_id=supervisor_id,
        changed_at=changes.pop("changed_at", utcnow()).isoformat(),
        **changes,
    )
