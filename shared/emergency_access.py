"""Emergency ("break glass") access, the part every service shares: a clinician may ask intake for
a time-limited grant to READ one client outside their caseload; intake publishes it
(`intake.emergency_access.granted`) and every service keeps the grants it heard of, so its object
checks open that client to the grantee, for reads only, until the grant expires.

Pure: the grant, the rule that says whether one is in force, and the pass a read request carries
into a domain's object check. The stored kind is in `shared/emergency_grants.py` (storage imports
what a domain may not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

EMERGENCY_ACCESS_GRANTED = "intake.emergency_access.granted"
# flask.g: the grant a request was served under, for its audit record (shared/web.py writes it).
EMERGENCY_GRANT_KEY = "audit_emergency_grant"


@dataclass(frozen=True)
class EmergencyGrant:
    """One grant as every service keeps it: who may read which client, from when until when.
    The reason stays in intake."""

    grant_id: str
    client_id: str
    staff_id: str
    granted_at: datetime
    expires_at: datetime


def _utc(moment: datetime) -> datetime:
    # A database client without tz_aware hands back naive UTC datetimes.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def in_force(grant: EmergencyGrant, now: datetime) -> bool:
    return _utc(grant.granted_at) <= now < _utc(grant.expires_at)


def grant_in_force(
    grants: Iterable[EmergencyGrant], staff_id: str, client_id: str, now: datetime
) -> EmergencyGrant | None:
    """The grant that lets `staff_id` read `client_id` at `now` (the one lasting longest), if any."""
    matching = [g for g in grants if g.staff_id == staff_id and g.client_id == client_id and in_force(g, now)]
    return max(matching, key=lambda grant: _utc(grant.expires_at), default=None)


def _unrecorded(_grant: EmergencyGrant) -> None:
    return None


@dataclass(frozen=True)
class EmergencyPass:
    """What a read request brings to an object check: the caller's grants and the moment of the
    request. A change (anything but GET and HEAD) gets the empty pass, so a grant never opens one.
    `on_use` is told of the grant that opened a client (the request's audit record names it)."""

    staff_id: str = ""
    grants: tuple[EmergencyGrant, ...] = ()
    now: datetime | None = None
    on_use: Callable[[EmergencyGrant], None] = field(default=_unrecorded, compare=False, repr=False)

    def opens(self, client_id: str | None) -> bool:
        """Whether a grant in force opens this client to the caller (and tells `on_use` which)."""
        if client_id is None or self.now is None:
            return False
        grant = grant_in_force(self.grants, self.staff_id, client_id, self.now)
        if grant is None:
            return False
        self.on_use(grant)
        return True


NO_PASS = EmergencyPass()
