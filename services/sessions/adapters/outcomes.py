"""Where sessions keeps what outcomes concluded about each episode."""

from __future__ import annotations

from services.sessions.domain.outcome_watch import OutcomeWatch
from shared.documents import DocumentKind, StoreFactory
from shared.uow import UnitOfWork

OUTCOME_WATCH = DocumentKind("outcome_watch", OutcomeWatch, id_field="episode_id")


class OutcomeWatchRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(OUTCOME_WATCH)

    def get(self, episode_id: str, client_id: str) -> OutcomeWatch:
        return self.documents.get(episode_id) or OutcomeWatch(episode_id, client_id)

    def put(self, watch: OutcomeWatch, uow: UnitOfWork) -> None:
        self.documents.put(watch, uow)

    def of_episodes(self, episode_ids: list[str]) -> dict[str, OutcomeWatch]:
        return {w.episode_id: w for w in self.documents.find({"_id": {"$in": episode_ids}})}
