"""Use cases of the sessions service: load, call the domain, save, commit."""

from __future__ import annotations

from typing import Any

from services.sessions.adapters.episodes import EpisodeRepository
from services.sessions.domain.episode import Admission, Episode
from shared.envelope import Envelope
from shared.uow import UnitOfWork


def open_episode_for_registered_client(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, episodes: EpisodeRepository
) -> Episode:
    episode = Episode.open_pending(data["client_id"], data["program"], now=event.time)
    episodes.add(episode, uow)
    uow.commit()
    return episode


def activate_episode_for_admitted_client(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, episodes: EpisodeRepository
) -> Episode:
    """Admission activates the client's open episode, or opens one if none exists yet."""
    episode = episodes.open_for_client(data["client_id"])
    is_new = episode is None
    if episode is None:
        episode = Episode.open_pending(data["client_id"], data["program"], now=event.time)
    episode.admit(
        Admission(
            track=data["track"],
            primary_problem_area=data["primary_problem_area"],
            secondary_problem_area=data.get("secondary_problem_area"),
            preferred_days=tuple(data["preferred_days"]),
            preferred_times=tuple(data["preferred_times"]),
            clinician_preference=data.get("clinician_preference"),
            admitted_at=data["admitted_at"],
        )
    )
    # The store keeps the state as it is now, with the events raised so far.
    (episodes.add if is_new else episodes.save)(episode, uow)
    uow.commit()
    return episode


def follow_program_correction(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, episodes: EpisodeRepository
) -> None:
    """A program corrected at intake (only possible before admission) moves the pending episode too."""
    episode = episodes.open_for_client(data["client_id"])
    if episode is not None and episode.program != data["program"]:
        episode.correct_program(data["program"])
        episodes.save(episode, uow)
    uow.commit()


def episodes_for_client(client_id: str, episodes: EpisodeRepository) -> list[Episode]:
    return episodes.for_client(client_id)
