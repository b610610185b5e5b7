"""Where episodes are kept (MongoDB in the service, the in-memory store in unit tests)."""

from __future__ import annotations

from services.sessions.domain.episode import OPEN_STATUSES, Episode
from shared.documents import ASCENDING, DESCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

EPISODES = DocumentKind("episodes", Episode, indexes=(Index.on("client_id", ("opened_at", ASCENDING)),))


class EpisodeRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(EPISODES)

    def add(self, episode: Episode, uow: UnitOfWork) -> None:
        self.documents.add(episode, uow)

    def save(self, episode: Episode, uow: UnitOfWork) -> None:
        self.documents.save(episode, uow)

    def for_client(self, client_id: str) -> list[Episode]:
        return self.documents.find({"client_id": client_id}, sort=[("opened_at", ASCENDING)])

    def open_for_client(self, client_id: str) -> Episode | None:
        return self.documents.find_one(
            {"client_id": client_id, "status": {"$in": list(OPEN_STATUSES)}}, sort=[("opened_at", DESCENDING)]
        )
