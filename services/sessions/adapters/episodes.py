"""Where episodes are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import Protocol

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from services.sessions.domain.episode import Episode
from shared.documents import StaleWrite, VersionedDocuments
from shared.uow import UnitOfWork

EPISODES = "episodes"
OPEN_STATUSES = ("pending", "active")


class EpisodeRepository(Protocol):
    def add(self, episode: Episode, uow: UnitOfWork) -> None: ...
    def save(self, episode: Episode, uow: UnitOfWork) -> None: ...
    def for_client(self, client_id: str) -> list[Episode]: ...
    def open_for_client(self, client_id: str) -> Episode | None: ...


class MongoEpisodeRepository:
    def __init__(self, db: Database) -> None:
        self.documents = VersionedDocuments(db[EPISODES], Episode)
        self.add = self.documents.add
        self.save = self.documents.save

    def for_client(self, client_id: str) -> list[Episode]:
        return self.documents.find({"client_id": client_id}, sort=[("opened_at", ASCENDING)])

    def open_for_client(self, client_id: str) -> Episode | None:
        return self.documents.find_one({"client_id": client_id, "status": {"$in": list(OPEN_STATUSES)}},
                                       sort=[("opened_at", DESCENDING)])


class InMemoryEpisodeRepository:
    def __init__(self) -> None:
        self.episodes: dict[str, Episode] = {}

    def add(self, episode: Episode, uow: UnitOfWork) -> None:
        stored = copy.deepcopy(episode)
        uow.stage(lambda _session: self.episodes.__setitem__(episode.id, stored))

    def save(self, episode: Episode, uow: UnitOfWork) -> None:
        stored = replace(copy.deepcopy(episode), version=episode.version + 1)

        def write(_session) -> None:
            if self.episodes[episode.id].version != episode.version:
                raise StaleWrite(episode.id)
            self.episodes[episode.id] = stored

        uow.stage(write)

    def for_client(self, client_id: str) -> list[Episode]:
        return sorted((copy.deepcopy(e) for e in self.episodes.values() if e.client_id == client_id),
                      key=lambda e: e.opened_at)

    def open_for_client(self, client_id: str) -> Episode | None:
        candidates = [e for e in self.for_client(client_id) if e.status in OPEN_STATUSES]
        return candidates[-1] if candidates else None


def ensure_indexes(db: Database) -> None:
    db[EPISODES].create_index([("client_id", ASCENDING), ("opened_at", ASCENDING)])
