"""Where clients are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any, Protocol

from pymongo import ASCENDING
from pymongo.database import Database

from services.intake.domain.client import Client, Contact, Registration
from shared.uow import UnitOfWork

CLIENTS = "clients"


class ClientRepository(Protocol):
    def add(self, client: Client, uow: UnitOfWork) -> None: ...
    def get(self, client_id: str) -> Client | None: ...


def to_document(client: Client) -> dict[str, Any]:
    reg = client.registration
    return {
        "_id": client.id, "given_name": reg.given_name, "family_name": reg.family_name,
        # BSON has no date type: a birth date is stored as midnight UTC.
        "date_of_birth": datetime.combine(reg.date_of_birth, time(), tzinfo=timezone.utc),
        "program": reg.program, "contact": {"email": reg.contact.email, "phone": reg.contact.phone},
        "preferred_channel": reg.preferred_channel, "registered_at": client.registered_at,
        "registered_by": client.registered_by, "status": client.status, "version": client.version,
    }


def from_document(doc: dict[str, Any]) -> Client:
    dob = doc["date_of_birth"]
    registration = Registration(
        given_name=doc["given_name"], family_name=doc["family_name"],
        date_of_birth=dob.date() if isinstance(dob, datetime) else date.fromisoformat(dob),
        program=doc["program"], contact=Contact(**doc["contact"]),
        preferred_channel=doc["preferred_channel"])
    return Client(id=doc["_id"], registration=registration, registered_at=doc["registered_at"],
                  registered_by=doc["registered_by"], status=doc["status"], version=doc["version"])


class MongoClientRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[CLIENTS]

    def add(self, client: Client, uow: UnitOfWork) -> None:
        document = to_document(client)
        uow.stage(lambda session: self.collection.insert_one(dict(document), session=session))

    def get(self, client_id: str) -> Client | None:
        doc = self.collection.find_one({"_id": client_id})
        return from_document(doc) if doc else None


class InMemoryClientRepository:
    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}

    def add(self, client: Client, uow: UnitOfWork) -> None:
        uow.stage(lambda _session: self.clients.__setitem__(client.id, client))

    def get(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)


def ensure_indexes(db: Database) -> None:
    db[CLIENTS].create_index([("family_name", ASCENDING), ("given_name", ASCENDING)])
    db[CLIENTS].create_index("date_of_birth")
