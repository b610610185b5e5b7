"""Who takes a newly admitted client on: the client's preference, the program, and capacity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.sessions.domain.clinician import Clinician


def has_room(clinician: Clinician, caseloads: Mapping[str, int]) -> bool:
    return caseloads.get(clinician.id, 0) < clinician.caseload_limit


def choose_clinician(
    clinicians: Sequence[Clinician], caseloads: Mapping[str, int], program: str, preference: str | None
) -> Clinician | None:
    """A clinician in the client's program with room on their caseload: the one the client asked
    for if they can, else the one with the most room (relative to their limit). None when nobody
    can: a supervisor assigns by hand, over a limit if they must."""
    able = [c for c in clinicians if c.works_in(program) and has_room(c, caseloads)]
    named = [c for c in able if _named_in(preference or "", c)]
    if named:
        return named[0]
    return min(able, key=lambda c: (caseloads.get(c.id, 0) / c.caseload_limit, c.id), default=None)


def _named_in(preference: str, clinician: Clinician) -> bool:
    """Whether a free-text preference ("Dr Bea Lopez, please", "bea lopez", "dr-lopez") names them."""
    wanted = " ".join(preference.casefold().split())
    if len(wanted) < 3:  # "a" or "dr" would name everyone
        return False
    names = (clinician.id.casefold(), " ".join(clinician.name.casefold().split()))
    return any(wanted in name or name in wanted for name in names)
