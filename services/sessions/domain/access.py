"""Who may see which episode: a clinician their own caseload, a supervisor their team's (and
the clients nobody has taken on yet, to assign them), admin everyone."""

from __future__ import annotations

from dataclasses import dataclass

from shared.roles import ADMIN, CLINICIAN, SUPERVISOR


@dataclass(frozen=True)
class Viewer:
    sub: str
    role: str
    team: frozenset[str] = frozenset()  # for a supervisor: the clinicians they supervise


def may_see(viewer: Viewer, clinician_id: str | None) -> bool:
    if viewer.role == ADMIN:
        return True
    if viewer.role == CLINICIAN:
        return clinician_id == viewer.sub
    if viewer.role == SUPERVISOR:
        return clinician_id is None or clinician_id == viewer.sub or clinician_id in viewer.team
    return False
