"""Where sessions keeps what it knows of each client's open risk flags."""

from __future__ import annotations

from services.sessions.domain.risk_watch import RiskWatch
from shared.documents import DocumentKind, StoreFactory
from shared.uow import UnitOfWork

RISK_WATCH = DocumentKind("risk_watch", RiskWatch, id_field="client_id")


class RiskWatchRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(RISK_WATCH)

    def get(self, client_id: str) -> RiskWatch:
        return self.documents.get(client_id) or RiskWatch(client_id)

    def put(self, watch: RiskWatch, uow: UnitOfWork) -> None:
        self.documents.put(watch, uow)

    def of_clients(self, client_ids: list[str]) -> dict[str, RiskWatch]:
        found = self.documents.find({"_id": {"$in": client_ids}})
        return {watch.client_id: watch for watch in found}
