"""Who may see which client's outcomes: a clinician the clients of their own caseload, a supervisor
their team's (and the clients nobody has taken on yet, whom they assign), admin every client. The
clinician of each episode comes from sessions' assignments; each supervisor's team from sessions'
`sessions.clinician.supervisor_changed` events, under the rule every service shares
(`shared/supervision.py`).

An emergency grant (shared/emergency_access.py) opens one client to its grantee for reading, until
it expires: the viewer of a read request carries the pass, a change's viewer none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def may_see(viewer: Viewer, clinician_ids: Iterable[str | None], client_id: str | None = None) -> bool:
    """Whether the viewer may see a client (or episode) treated by `clinician_ids` (None: an episode
    nobody has taken on yet)."""
    return _by_role(viewer, tuple(clinician_ids)) or viewer.emergency.opens(client_id)


def _by_role(viewer: Viewer, clinician_ids: Sequence[str | None]) -> bool:
    if viewer.role == ADMIN:
        return True
    if viewer.role == CLINICIAN:
        return viewer.sub in clinician_ids
    if viewer.role == SUPERVISOR:
        # A client with no episode yet has no clinician either: the supervisors assign them.
        return not clinician_ids or any(oversees(viewer.sub, viewer.team, c) for c in clinician_ids)
    return False
