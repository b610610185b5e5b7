"""A scored measure in a client's course: the raw material of measurement-based care."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Measure:
    screening_id: str
    client_id: str
    instrument: str
    version: str
    total: int | None
    severity: str | None
    positive: bool
    administered_at: datetime
