"""Who treats each client, as sessions announces it, and whom each risk alert reached, as
notifications announces it: read models intake keeps from their events, so deciding who may open
a record never calls another service on the request path."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class CaseloadEntry:
    """The clinician of a client's episode as sessions last announced it (None once it closed, when
    `former_clinician_id` keeps who treated them last, for their supervisor)."""

    client_id: str
    episode_id: str
    clinician_id: str | None
    changed_at: datetime
    former_clinician_id: str | None = None

    def replaces(self, current: CaseloadEntry | None) -> bool:
        """Whether this news is not older than what is kept (events of two episodes may cross)."""
        return current is None or current.changed_at <= self.changed_at


@dataclass(frozen=True)
class AlertReach:
    """The staff a risk alert about a client reached (the first recipient, then each escalation),
    while it is open; a resolved alert (the flag cleared) opens the client to nobody."""

    id: str  # the alert id
    client_id: str
    recipients: tuple[str, ...] = ()
    open: bool = True

    def reached(self, recipient: str | None) -> AlertReach:
        if recipient is None or recipient in self.recipients:
            return self
        return replace(self, recipients=(*self.recipients, recipient))

    def resolved(self) -> AlertReach:
        return replace(self, open=False)
