"""The IPT phases: which phase the next session of a course belongs to.

Manuals draw the boundaries differently (IPT-UK's initial phase is sessions 1-4), so they are a
per-program setting; the defaults are the centre's: sessions 1-3 initial, the last 3 of the
agreed contract termination, the middle between, and monthly maintenance once agreed.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import Invalid

INITIAL, MIDDLE, TERMINATION, MAINTENANCE = "initial", "middle", "termination", "maintenance"
DEFAULT_PLANNED_SESSIONS = 12
PLANNED_RANGE = (8, 16)  # the brief 8-session format up to the longest acute course


@dataclass(frozen=True)
class PhasePlan:
    initial_sessions: int = 3
    termination_sessions: int = 3

    def __post_init__(self) -> None:
        if self.initial_sessions < 1 or self.termination_sessions < 1:
            raise ValueError("each phase lasts at least one session")
        if self.initial_sessions + self.termination_sessions >= PLANNED_RANGE[0]:
            raise ValueError("the initial and termination phases must leave room for a middle one")

    def phase_of(self, session_number: int, planned_sessions: int, maintenance: bool = False) -> str:
        """The phase of session `session_number` (1-based) in a course of `planned_sessions`."""
        if maintenance:
            return MAINTENANCE
        if session_number <= self.initial_sessions:
            return INITIAL
        if session_number > planned_sessions - self.termination_sessions:
            return TERMINATION  # sessions past the contract stay in termination until maintenance
        return MIDDLE


def check_planned_sessions(planned: object) -> int:
    low, high = PLANNED_RANGE
    if type(planned) is not int or not low <= planned <= high:
        raise Invalid({"planned_sessions": [f"A course is {low} to {high} sessions, agreed at the start."]})
    return planned
