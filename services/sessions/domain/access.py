"""Who may see which episode: a clinician their own caseload, a supervisor their team's (and
the clients nobody has taken on yet, to assign them), admin everyone. An emergency grant
(shared/emergency_access.py) opens one client to its grantee for reading, until it expires:
the viewer of a read request carries the pass, a change's viewer none."""

from __future__ import annotations

from dataclasses import dataclass

from shared.emergency_access import NO_PASS, EmergencyPass
from shared.roles import ADMIN, CLINICIAN, SUPERVISOR
from shared.supervision import oversees


@dataclass(frozen=True)
class Viewer:
    sub: str
    role: str
    team: frozenset[str] = frozenset()  # for a supervisor: the clinicians they supervise
    emergency: EmergencyPass = NO_PASS


def may_see(viewer: Viewer, clinician_id: str | None, client_id: str | None = None) -> bool:
    """Whether the viewer may see a record of `clinician_id`'s (of `client_id`, when it names one)."""
    return _by_role(viewer, clinician_id) or viewer.emergency.opens(client_id)


def _by_role(viewer: Viewer, clinician_id: str | None) -> bool:
    if viewer.role == ADMIN:
        return True
    if viewer.role == CLINICIAN:
        return clinician_id == viewer.sub
    if viewer.role == SUPERVISOR:
        return oversees(viewer.sub, viewer.team, clinician_id)
    return False
