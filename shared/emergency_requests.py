"""The emergency pass of the request in hand (shared/emergency_access.py): a read by a staff member
carries their grants not yet expired and the moment of the request; a change carries none. The
grant that opens a client is noted for the request's audit record."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from flask import g, request

from shared.emergency_access import EMERGENCY_GRANT_KEY, NO_PASS, EmergencyGrant, EmergencyPass
from shared.envelope import utcnow

READS = ("GET", "HEAD")  # a grant opens a client for reading only


class GrantSource(Protocol):
    """Where a service keeps its grants (shared/emergency_grants.py; intake's own in its adapters)."""

    def unexpired_of(self, staff_id: str, now: datetime) -> tuple[EmergencyGrant, ...]: ...


def emergency_pass(grants: GrantSource) -> EmergencyPass:
    principal = g.get("principal")
    if principal is None or request.method not in READS:
        return NO_PASS
    now = utcnow()
    return EmergencyPass(principal.sub, grants.unexpired_of(principal.sub, now), now, note_grant_used)


def note_grant_used(grant: EmergencyGrant) -> None:
    """The request was served under this grant: its audit record says so (shared/web.py)."""
    g.setdefault(EMERGENCY_GRANT_KEY, grant.grant_id)
