"""A treatment episode: one client's IPT course, from referral to completion."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

PENDING = "pending"


@dataclass
class Episode:
    id: str
    client_id: str
    program: str
    status: str
    opened_at: datetime
    version: int = 0

    @classmethod
    def open_pending(cls, client_id: str, program: str, now: datetime) -> "Episode":
        """A registered client waits in a pending episode until intake admits them to a track."""
        return cls(id=str(uuid.uuid4()), client_id=client_id, program=program, status=PENDING,
                   opened_at=now)
