"""Where recipients are kept: a projection of registrations (upserted, so redelivery is harmless)."""

from __future__ import annotations

from services.notifications.domain.recipient import Recipient
from shared.documents import DocumentKind, StoreFactory
from shared.uow import UnitOfWork

RECIPIENTS = DocumentKind("recipients", Recipient, id_field="client_id")  # looked up by id only


class RecipientRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(RECIPIENTS)

    def put(self, recipient: Recipient, uow: UnitOfWork) -> None:
        self.documents.put(recipient, uow)

    def get(self, client_id: str) -> Recipient | None:
        return self.documents.get(client_id)
