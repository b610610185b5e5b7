"""Where episodes are kept (MongoDB in the service, the in-memory store in unit tests)."""

from __future__ import annotations

from services.sessions.domain.episode import OPEN_STATUSES, Episode
from shared.documents import ASCENDING, DESCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

EPISODES = DocumentKind(
    "episodes",
    Episode,
    indexes=(Index.on("client_id", ("opened_at", ASCENDING)), Index.on("clinician_id", "status")),
)


class EpisodeRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(EPISODES)

    def add(self, episode: Episode, uow: UnitOfWork) -> None:
        self.documents.add(episode, uow)

    def save(self, episode: Episode, uow: UnitOfWork) -> None:
        self.documents.save(episode, uow)

    def get(self, episode_id: str) -> Episode | None:
        return self.documents.get(episode_id)

    def caseloads(self, clinician_ids: list[str]) -> dict[str, int]:
        """How many open episodes each clinician carries."""
        rows = self.documents.values(
            {"clinician_id": {"$in": clinician_ids}, "status": {"$in": list(OPEN_STATUSES)}}, ("clinician_id",)
        )
        counts = dict.fromkeys(clinician_ids, 0)
        for row in rows:
            counts[row["clinician_id"]] += 1
        return counts

    def for_clinicians(self, clinician_ids: list[str], open_only: bool = True) -> list[Episode]:
        query: dict[str, object] = {"clinician_id": {"$in": clinician_ids}}
        if open_only:
            query["status"] = {"$in": list(OPEN_STATUSES)}
        return self.documents.find(query, sort=[("opened_at", ASCENDING)])

    def for_client(self, client_id: str) -> list[Episode]:
        return self.documents.find({"client_id": client_id}, sort=[("opened_at", ASCENDING)])

    def open_for_clients(self, client_ids: set[str]) -> dict[str, Episode]:
        """Each client's open episode (the latest opened), in one query; a client with none is missing."""
        query = {"client_id": {"$in": sorted(client_ids)}, "status": {"$in": list(OPEN_STATUSES)}}
        latest_first = self.documents.find(query, sort=[("opened_at", DESCENDING)])
        return {episode.client_id: episode for episode in reversed(latest_first)}

    def open_for_client(self, client_id: str) -> Episode | None:
        return self.documents.find_one(
            {"client_id": client_id, "status": {"$in": list(OPEN_STATUSES)}}, sort=[("opened_at", DESCENDING)]
        )
