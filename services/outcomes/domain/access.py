"""Who may see which client's outcomes: a clinician the clients of their own caseload (the
clinician of each episode comes from sessions' assignments); supervisors and admin every client.

Outcomes does not learn who supervises whom (sessions keeps the teams and publishes no events
about them), so a supervisor here is not limited to their team as in sessions.

An emergency grant (shared/emergency_access.py) opens one client to its grantee for reading, until
it expires: the viewer of a read request carries the pass, a change's viewer none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.emergency_access import NO_PASS, EmergencyPass
from shared.roles import ADMIN, CLINICIAN, SUPERVISOR


@dataclass(frozen=True)
class Viewer:
    sub: str
    role: str
    emergency: EmergencyPass = NO_PASS


def may_see(viewer: Viewer, clinician_ids: Iterable[str | None], client_id: str | None = None) -> bool:
    """Whether the viewer may see a client (or episode) treated by `clinician_ids`."""
    if viewer.role in (SUPERVISOR, ADMIN):
        return True
    if viewer.role == CLINICIAN and viewer.sub in set(clinician_ids):
        return True
    return viewer.emergency.opens(client_id)
