"""Who staff alerts reach: the caseload (from sessions' assignments), the on-call rota, and the
staff directory of e-mail addresses (no event carries them, so admin keeps them here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ON_CALL_ID = "current"


@dataclass(frozen=True)
class StaffMember:
    id: str  # the staff username (the token's `sub`, sessions' clinician id)
    email: str
    updated_at: datetime
    updated_by: str


@dataclass
class OnCall:
    """Who is on call now: the first, second and third person an alert reaches when the client
    has no clinician (or after the clinician, when nobody acknowledges)."""

    clinician: str
    supervisor: str
    clinical_lead: str
    updated_at: datetime
    updated_by: str
    id: str = ON_CALL_ID
    version: int = 0

    def chain(self, first: str | None) -> list[str]:
        """Who each escalation level goes to: the client's clinician (or the on-call one), then the
        supervisor, then the clinical lead."""
        return [first or self.clinician, self.supervisor, self.clinical_lead]


@dataclass(frozen=True)
class CaseloadEntry:
    """The clinician treating a client, as sessions last announced (None once the episode closed,
    when `former_clinician_id` keeps who treated them last, for their supervisor)."""

    client_id: str
    episode_id: str
    clinician_id: str | None
    changed_at: datetime
    former_clinician_id: str | None = None

    @property
    def last_clinician(self) -> str | None:
        """Whose team answers for the client: the clinician now, else the one before the close."""
        return self.clinician_id or self.former_clinician_id


def recipient_at(level: int, clinician: str | None, on_call: OnCall | None) -> str | None:
    """The person an alert at escalation `level` goes to; the top of the chain keeps getting it."""
    chain = on_call.chain(clinician) if on_call else [clinician]
    return chain[min(level, len(chain) - 1)] if chain else None
