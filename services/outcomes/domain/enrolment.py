"""What outcomes keeps about a client: de-identified, enough to group measures by program and
problem area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Enrolment:
    client_id: str
    program: str
    registered_at: datetime


@dataclass(frozen=True)
class Admission:
    """The problem areas a client was admitted with (intake admits a client once)."""

    client_id: str
    program: str
    primary_problem_area: str
    secondary_problem_area: str | None
    admitted_at: datetime
