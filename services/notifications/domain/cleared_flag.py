"""A risk flag known to be cleared, so a flag event that arrives late (a replayed dead letter)
opens no alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ClearedFlag:
    flag_id: str
    cleared_at: datetime
