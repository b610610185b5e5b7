"""Valid example events for tests, built from the contracts' own examples."""

from __future__ import annotations

import uuid

from shared.contracts import contract_for
from shared.envelope import Envelope


def registered_event(client_id: str | None = None, **overrides) -> Envelope:
    client_id = client_id or str(uuid.uuid4())
    data = dict(contract_for("intake.client.registered", 1).example, client_id=client_id, **overrides)
    return Envelope(type="intake.client.registered", version=1, source="intake", subject=client_id, data=data)
