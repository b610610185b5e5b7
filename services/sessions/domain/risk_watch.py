"""The open suicide-risk flags of a client, as sessions learns them from intake's events:
what a clinician's caseload and chart show first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

URGENCY_ORDER = {"urgent": 0, "high": 1}


@dataclass(frozen=True)
class OpenFlag:
    flag_id: str
    urgency: str
    raised_at: datetime


@dataclass
class RiskWatch:
    """One per client; kept as a projection (replaced whole on each event)."""

    client_id: str
    open_flags: list[OpenFlag] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)  # so a late flag event does not reopen one

    def flagged(self, flag: OpenFlag) -> None:
        if flag.flag_id in self.cleared or any(f.flag_id == flag.flag_id for f in self.open_flags):
            return
        self.open_flags.append(flag)

    def cleared_flag(self, flag_id: str) -> None:
        self.open_flags = [f for f in self.open_flags if f.flag_id != flag_id]
        if flag_id not in self.cleared:
            self.cleared.append(flag_id)

    @property
    def worst(self) -> str | None:
        urgencies = sorted((f.urgency for f in self.open_flags), key=lambda u: URGENCY_ORDER.get(u, 9))
        return urgencies[0] if urgencies else None
