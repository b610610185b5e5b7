"""Where episodes are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

from typing import Any, Protocol

from pymongo import ASCENDING
from pymongo.database import Database

from services.sessions.domain.episode import Episode
from shared.uow import UnitOfWork

EPISODES = "episodes"


class EpisodeRepository(Protocol):
    def add(self, episode: Episode, uow: UnitOfWork) -> None: ...
    def for_client(self, client_id: str) -> list[Episode]: ...


def _to_document(episode: Episode) -> dict[str, Any]:
    return {"_id": episode.id, "client_id": episode.client_id, "program": episode.program,
            "status": episode.status, "opened_at": episode.opened_at, "version": episode.version}


def _from_document(doc: dict[str, Any]) -> Episode:
    return Episode(id=doc["_id"], client_id=doc["client_id"], program=doc["program"],
                   status=doc["status"], opened_at=doc["opened_at"], version=doc.get("version", 0))


class MongoEpisodeRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[EPISODES]

    def add(self, episode: Episode, uow: UnitOfWork) -> None:
        document = _to_document(episode)
        uow.stage(lambda session: self.collection.insert_one(dict(document), session=session))

    def for_client(self, client_id: str) -> list[Episode]:
        cursor = self.collection.find({"client_id": client_id}).sort("opened_at", ASCENDING)
        return [_from_document(doc) for doc in cursor]


class InMemoryEpisodeRepository:
    def __init__(self) -> None:
        self.episodes: dict[str, Episode] = {}

    def add(self, episode: Episode, uow: UnitOfWork) -> None:
        uow.stage(lambda _session: self.episodes.__setitem__(episode.id, episode))

    def for_client(self, client_id: str) -> list[Episode]:
        return sorted((e for e in self.episodes.values() if e.client_id == client_id),
                      key=lambda e: e.opened_at)


def ensure_indexes(db: Database) -> None:
    db[EPISODES].create_index([("client_id", ASCENDING), ("opened_at", ASCENDING)])
