"""Use cases of the sessions service: one small function each."""
from __future__ import annotations

from typing import Any

from services.sessions.adapters.episodes import EpisodeRepository
from services.sessions.domain.episode import Episode
from shared.envelope import Envelope
from shared.uow import UnitOfWork


def open_episode_for_registered_client(event: Envelope, data: dict[str, Any], uow: UnitOfWork,
                                       episodes: EpisodeRepository) -> Episode:
    episode = Episode.open_pending(data["client_id"], data["program"], now=event.time)
    episodes.add(episode, uow)
    uow.publish("sessions.episode.opened", 1, subject=episode.client_id, data={
        "episode_id": episode.id, "client_id": episode.client_id, "status": episode.status,
        "program": episode.program, "opened_at": episode.opened_at.isoformat(),
    })
    uow.commit()
    return episode


def episodes_for_client(client_id: str, episodes: EpisodeRepository) -> list[Episode]:
    return episodes.for_client(client_id)
