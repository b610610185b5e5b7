"""Where recipients are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

from dataclasses import asdict
from typing import Protocol

from pymongo.database import Database

from services.notifications.domain.recipient import Recipient
from shared.uow import UnitOfWork

RECIPIENTS = "recipients"


class RecipientRepository(Protocol):
    def save(self, recipient: Recipient, uow: UnitOfWork) -> None: ...
    def get(self, client_id: str) -> Recipient | None: ...


class MongoRecipientRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[RECIPIENTS]

    def save(self, recipient: Recipient, uow: UnitOfWork) -> None:
        doc = asdict(recipient)
        doc["_id"] = doc.pop("client_id")
        uow.stage(lambda session: self.collection.replace_one(
            {"_id": doc["_id"]}, doc, upsert=True, session=session))

    def get(self, client_id: str) -> Recipient | None:
        doc = self.collection.find_one({"_id": client_id})
        if doc is None:
            return None
        doc["client_id"] = doc.pop("_id")
        return Recipient(**doc)


class InMemoryRecipientRepository:
    def __init__(self) -> None:
        self.recipients: dict[str, Recipient] = {}

    def save(self, recipient: Recipient, uow: UnitOfWork) -> None:
        uow.stage(lambda _session: self.recipients.__setitem__(recipient.client_id, recipient))

    def get(self, client_id: str) -> Recipient | None:
        return self.recipients.get(client_id)


def ensure_indexes(db: Database) -> None:
    """Recipients are looked up by _id only."""
