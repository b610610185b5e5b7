"""What happens to a treatment episode, as typed domain events (each its contract's fields)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain import DomainEvent


@dataclass(frozen=True)
class EpisodeOpened(DomainEvent):
    TYPE = "sessions.episode.opened"
    episode_id: str
    client_id: str
    status: str
    program: str
    opened_at: datetime


@dataclass(frozen=True)
class EpisodeActivated(DomainEvent):
    TYPE = "sessions.episode.activated"
    episode_id: str
    client_id: str
    program: str
    track: str
    activated_at: datetime
