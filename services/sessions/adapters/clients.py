"""Where sessions keeps the name and date of birth each client is recognised by."""

from __future__ import annotations

from services.sessions.domain.client_card import ClientCard
from shared.documents import DocumentKind, StoreFactory
from shared.uow import UnitOfWork

CLIENT_CARDS = DocumentKind("client_cards", ClientCard, id_field="client_id")


class ClientCardRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(CLIENT_CARDS)

    def get(self, client_id: str) -> ClientCard | None:
        return self.documents.get(client_id)

    def put(self, card: ClientCard, uow: UnitOfWork) -> None:
        self.documents.put(card, uow)

    def of_clients(self, client_ids: list[str]) -> dict[str, ClientCard]:
        return {c.client_id: c for c in self.documents.find({"_id": {"$in": client_ids}})}
