"""Where episodes are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from services.sessions.domain.episode import Episode
from shared.codec import decode, encode
from shared.uow import UnitOfWork

EPISODES = "episodes"
OPEN_STATUSES = ("pending", "active")


class StaleEpisode(RuntimeError):
    """Someone else changed the episode since it was read."""


class EpisodeRepository(Protocol):
    def add(self, episode: Episode, uow: UnitOfWork) -> None: ...
    def save(self, episode: Episode, uow: UnitOfWork) -> None: ...
    def for_client(self, client_id: str) -> list[Episode]: ...
    def open_for_client(self, client_id: str) -> Episode | None: ...


def _document(episode: Episode) -> dict[str, Any]:
    doc = encode(episode)
    doc["_id"] = doc.pop("id")
    return doc


def _episode(doc: dict[str, Any]) -> Episode:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return decode(Episode, doc)


class MongoEpisodeRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[EPISODES]

    def add(self, episode: Episode, uow: UnitOfWork) -> None:
        document = _document(episode)
        uow.stage(lambda session: self.collection.insert_one(dict(document), session=session))

    def save(self, episode: Episode, uow: UnitOfWork) -> None:
        expected = episode.version
        document = _document(replace(episode, version=expected + 1))

        def write(session) -> None:
            result = self.collection.replace_one({"_id": episode.id, "version": expected}, document, session=session)
            if result.matched_count != 1:
                raise StaleEpisode(episode.id)

        uow.stage(write)

    def for_client(self, client_id: str) -> list[Episode]:
        cursor = self.collection.find({"client_id": client_id}).sort("opened_at", ASCENDING)
        return [_episode(doc) for doc in cursor]

    def open_for_client(self, client_id: str) -> Episode | None:
        doc = self.collection.find_one({"client_id": client_id, "status": {"$in": list(OPEN_STATUSES)}},
                                       sort=[("opened_at", DESCENDING)])
        return _episode(doc) if doc else None


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
                raise StaleEpisode(episode.id)
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
