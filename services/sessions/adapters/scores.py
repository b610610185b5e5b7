"""Where sessions keeps each client's charted scores."""

from __future__ import annotations

from services.sessions.domain.scores import ScoreHistory
from shared.documents import DocumentKind, StoreFactory
from shared.uow import UnitOfWork

SCORES = DocumentKind("scores", ScoreHistory, id_field="client_id")


class ScoreRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(SCORES)

    def get(self, client_id: str) -> ScoreHistory:
        return self.documents.get(client_id) or ScoreHistory(client_id)

    def put(self, history: ScoreHistory, uow: UnitOfWork) -> None:
        self.documents.put(history, uow)

    def of_clients(self, client_ids: list[str]) -> dict[str, ScoreHistory]:
        return {h.client_id: h for h in self.documents.find({"_id": {"$in": client_ids}})}
