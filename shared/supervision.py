"""Who supervises whom, the part every service shares: sessions keeps each clinician's supervisor
in their profile and announces every change (`sessions.clinician.supervisor_changed`); intake,
outcomes and notifications keep what they heard, so a supervisor sees their own team's clients in
every service without a call to sessions on the request path.

Pure: the record each service keeps and the rule of oversight. The stored kind and its consumer
are in `shared/supervision_records.py` (storage imports what a domain may not).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

SUPERVISOR_CHANGED = "sessions.clinician.supervisor_changed"


@dataclass(frozen=True)
class Supervision:
    """A clinician's supervisor as sessions last announced it (None: nobody supervises them)."""

    clinician_id: str
    supervisor_id: str | None
    changed_at: datetime

    def replaces(self, current: Supervision | None) -> bool:
        """Whether this news is not older than what is kept (a redelivered old event changes nothing)."""
        return current is None or _utc(current.changed_at) <= _utc(self.changed_at)


def oversees(supervisor_id: str, team: Collection[str], clinician_id: str | None) -> bool:
    """Whether a supervisor oversees the work of `clinician_id`: their own, their team's, and work
    nobody has taken on yet (they assign it). Another team's clients are that team's supervisor's."""
    return clinician_id is None or clinician_id == supervisor_id or clinician_id in team


def _utc(moment: datetime) -> datetime:
    # A database client without tz_aware hands back naive UTC datetimes.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
