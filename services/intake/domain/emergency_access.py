"""Emergency ("break glass") access as intake keeps it: a clinician asks, with a reason, to read one
client outside their caseload; the grant lasts a set number of minutes and is published, so every
service opens the client to them for reading; a supervisor or admin other than the grantee reviews
it once. The reason (free text) stays here: no event, log line or audit record carries it.

A second request by the same clinician for the same client while a grant is in force gets that
grant back (it is not extended, and its reason stands): one grant, one review, per episode of need.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.intake.domain.events import EmergencyAccessGranted
from shared.domain import Aggregate
from shared.emergency_access import EmergencyGrant
from shared.errors import Conflict, Invalid, NotAllowed

DEFAULT_MINUTES, LONGEST_MINUTES = 60, 240
REASON_LENGTH = (10, 500)
NOTE_LENGTH = (1, 1000)


def grant_minutes(raw: str | None) -> int:
    """EMERGENCY_ACCESS_MINUTES: how long a grant lasts (default 60, at most 240)."""
    minutes = DEFAULT_MINUTES if raw is None or not raw.strip() else int(raw)
    if not 1 <= minutes <= LONGEST_MINUTES:
        raise ValueError(f"EMERGENCY_ACCESS_MINUTES must be 1 to {LONGEST_MINUTES}, not {minutes}")
    return minutes


def _text(field: str, value: str, bounds: tuple[int, int]) -> str:
    cleaned = value.strip()
    shortest, longest = bounds
    if not shortest <= len(cleaned) <= longest:
        raise Invalid({field: [f"Give {shortest} to {longest} characters."]})
    return cleaned


@dataclass
class AccessGrant(Aggregate):
    id: str
    client_id: str
    staff_id: str
    reason: str
    granted_at: datetime
    expires_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_note: str | None = None
    version: int = 0

    @classmethod
    def grant(cls, client_id: str, staff_id: str, reason: str, now: datetime, minutes: int) -> AccessGrant:
        grant = cls(
            id=str(uuid.uuid4()),
            client_id=client_id,
            staff_id=staff_id,
            reason=_text("reason", reason, REASON_LENGTH),
            granted_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        grant.raise_event(EmergencyAccessGranted(grant.id, client_id, staff_id, now, grant.expires_at))
        return grant

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None

    def shared(self) -> EmergencyGrant:
        """The grant as every service keeps it (without the reason)."""
        return EmergencyGrant(self.id, self.client_id, self.staff_id, self.granted_at, self.expires_at)

    def review(self, by: str, note: str, now: datetime) -> None:
        """Marked reviewed once, by someone other than the grantee."""
        if by == self.staff_id:
            raise NotAllowed("A grant is reviewed by someone other than the one it was granted to.")
        if self.reviewed:
            raise Conflict("This grant has already been reviewed.")
        self.review_note = _text("note", note, NOTE_LENGTH)
        self.reviewed_by, self.reviewed_at = by, now
