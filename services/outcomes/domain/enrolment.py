"""What outcomes keeps about a client: de-identified, enough to group measures by program."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Enrolment:
    client_id: str
    program: str
    registered_at: datetime


def clients_per_program(enrolments: Iterable[Enrolment]) -> dict[str, int]:
    return dict(sorted(Counter(e.program for e in enrolments).items()))
