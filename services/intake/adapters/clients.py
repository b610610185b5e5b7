"""Where clients and their screenings are kept: MongoDB in the service, dicts in unit tests."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from services.intake.domain.client import Client, name_key
from services.intake.domain.errors import Conflict
from services.intake.domain.screening import Screening
from shared.codec import decode, encode
from shared.uow import UnitOfWork

CLIENTS, SCREENINGS = "clients", "screenings"
SEARCH_LIMIT = 50


class ClientRepository(Protocol):
    def add(self, client: Client, uow: UnitOfWork) -> None: ...
    def save(self, client: Client, uow: UnitOfWork) -> None: ...
    def get(self, client_id: str) -> Client | None: ...
    def possible_duplicates(self, client: Client) -> list[Client]: ...
    def search(self, query: str) -> list[Client]: ...
    def needing_attention(self) -> list[Client]: ...


class ScreeningRepository(Protocol):
    def add(self, screening: Screening, uow: UnitOfWork) -> None: ...
    def for_client(self, client_id: str) -> list[Screening]: ...
    def get(self, client_id: str, screening_id: str) -> Screening | None: ...
    def instruments_done(self, client_ids: list[str]) -> dict[str, set[str]]: ...


def _client_document(client: Client) -> dict[str, Any]:
    doc = encode(client)
    doc["_id"] = doc.pop("id")
    reg = client.registration
    # Denormalised keys so search and duplicate checks use indexes, not scans.
    doc["name_key"] = name_key(reg.given_name, reg.family_name)
    doc["search_terms"] = sorted({reg.given_name.casefold(), reg.family_name.casefold()})
    doc["open_risk"] = bool(client.open_risk_flags)
    return doc


def _client(doc: dict[str, Any]) -> Client:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return decode(Client, doc)


class MongoClientRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[CLIENTS]

    def add(self, client: Client, uow: UnitOfWork) -> None:
        document = _client_document(client)
        uow.stage(lambda session: self.collection.insert_one(dict(document), session=session))

    def save(self, client: Client, uow: UnitOfWork) -> None:
        """Optimistic concurrency: the write only lands on the version that was read."""
        expected = client.version
        document = _client_document(replace(client, version=expected + 1))

        def write(session) -> None:
            result = self.collection.replace_one({"_id": client.id, "version": expected}, document,
                                                 session=session)
            if result.matched_count != 1:
                raise Conflict("The client was changed by someone else; reload and try again.")

        uow.stage(write)

    def get(self, client_id: str) -> Client | None:
        doc = self.collection.find_one({"_id": client_id})
        return _client(doc) if doc else None

    def possible_duplicates(self, client: Client) -> list[Client]:
        reg = client.registration
        docs = self.collection.find({"name_key": name_key(reg.given_name, reg.family_name),
                                     "registration.date_of_birth": reg.date_of_birth.isoformat()})
        return [_client(d) for d in docs if d["_id"] != client.id]

    def search(self, query: str) -> list[Client]:
        words = query.casefold().split()
        if not words:
            return []
        # Every word must start one of the names: "ann lee" finds Ann Lee and Lee Ann.
        by_name = {"$and": [{"search_terms": {"$regex": f"^{re.escape(w)}"}} for w in words]}
        docs = self.collection.find({"$or": [{"_id": query.strip()}, by_name]})
        return [_client(d) for d in docs.sort("registered_at", DESCENDING).limit(SEARCH_LIMIT)]

    def needing_attention(self) -> list[Client]:
        docs = self.collection.find({"$or": [{"open_risk": True}, {"status": {"$ne": "admitted"}}]})
        return [_client(d) for d in docs.limit(500)]


class MongoScreeningRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[SCREENINGS]

    def add(self, screening: Screening, uow: UnitOfWork) -> None:
        doc = encode(screening)
        doc["_id"] = doc.pop("id")
        uow.stage(lambda session: self.collection.insert_one(dict(doc), session=session))

    def for_client(self, client_id: str) -> list[Screening]:
        docs = self.collection.find({"client_id": client_id}).sort("administered_at", DESCENDING)
        return [_screening(d) for d in docs]

    def get(self, client_id: str, screening_id: str) -> Screening | None:
        doc = self.collection.find_one({"_id": screening_id, "client_id": client_id})
        return _screening(doc) if doc else None

    def instruments_done(self, client_ids: list[str]) -> dict[str, set[str]]:
        done: dict[str, set[str]] = {client_id: set() for client_id in client_ids}
        for doc in self.collection.find({"client_id": {"$in": client_ids}}, {"client_id": 1, "instrument": 1}):
            done[doc["client_id"]].add(doc["instrument"])
        return done


def _screening(doc: dict[str, Any]) -> Screening:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return decode(Screening, doc)


def ensure_indexes(db: Database) -> None:
    db[CLIENTS].create_index([("name_key", ASCENDING), ("registration.date_of_birth", ASCENDING)])
    db[CLIENTS].create_index("search_terms")
    db[CLIENTS].create_index("open_risk")
    db[CLIENTS].create_index("status")
    db[SCREENINGS].create_index([("client_id", ASCENDING), ("administered_at", DESCENDING)])
