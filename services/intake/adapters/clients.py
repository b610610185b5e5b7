"""Where clients and their screenings are kept in MongoDB (fakes for unit tests: fakes.py)."""
from __future__ import annotations

import re
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from services.intake.domain.client import Client, name_key
from services.intake.domain.errors import Conflict
from services.intake.domain.screening import Screening
from shared.documents import VersionedDocuments
from shared.uow import UnitOfWork

CLIENTS, SCREENINGS = "clients", "screenings"
# One document per registration request key: its _id makes a repeated submission impossible to
# store twice, even when both copies arrive at the same moment.
REQUEST_KEYS = "registration_requests"
SEARCH_LIMIT = 50
QUEUE_LIMIT = 500


class ClientRepository(Protocol):
    def add(self, client: Client, uow: UnitOfWork, request_key: str | None = None) -> None: ...
    def save(self, client: Client, uow: UnitOfWork) -> None: ...
    def get(self, client_id: str) -> Client | None: ...
    def registered_by_request(self, request_key: str) -> str | None: ...
    def possible_duplicates(self, client: Client) -> list[Client]: ...
    def search(self, query: str) -> list[Client]: ...
    def needing_attention(self) -> list[Client]: ...


class ScreeningRepository(Protocol):
    def add(self, screening: Screening, uow: UnitOfWork) -> None: ...
    def for_client(self, client_id: str) -> list[Screening]: ...
    def get(self, client_id: str, screening_id: str) -> Screening | None: ...
    def instruments_done(self, client_ids: list[str]) -> dict[str, set[str]]: ...


def search_terms(*names: str) -> list[str]:
    """Each word of each name, so "mary ann smith" finds Mary Ann Smith."""
    return sorted({word for name in names for word in name.casefold().split()})


def _index_keys(client: Client) -> dict[str, Any]:
    """Denormalised keys so search, duplicate checks and the queue use indexes, not scans."""
    reg = client.registration
    return {"name_key": name_key(reg.given_name, reg.family_name),
            "search_terms": search_terms(reg.given_name, reg.family_name),
            "open_risk": bool(client.open_risk_flags)}


class MongoClientRepository:
    def __init__(self, db: Database) -> None:
        self.documents = VersionedDocuments(db[CLIENTS], Client, extra_fields=_index_keys, stale=Conflict)
        self.request_keys = db[REQUEST_KEYS]
        self.save = self.documents.save
        self.get = self.documents.get

    def add(self, client: Client, uow: UnitOfWork, request_key: str | None = None) -> None:
        self.documents.add(client, uow)
        if request_key:
            record = {"_id": request_key, "client_id": client.id, "at": client.registered_at}
            uow.stage(lambda session: self.request_keys.insert_one(dict(record), session=session))

    def registered_by_request(self, request_key: str) -> str | None:
        found = self.request_keys.find_one({"_id": request_key})
        return found["client_id"] if found else None

    def possible_duplicates(self, client: Client) -> list[Client]:
        reg = client.registration
        found = self.documents.find({"name_key": name_key(reg.given_name, reg.family_name),
                                     "registration.date_of_birth": reg.date_of_birth.isoformat()})
        return [c for c in found if c.id != client.id]

    def search(self, query: str) -> list[Client]:
        words = query.casefold().split()
        if not words:
            return []
        # Every word must start one of the names: "ann lee" finds Ann Lee and Lee Ann.
        by_name = {"$and": [{"search_terms": {"$regex": f"^{re.escape(w)}"}} for w in words]}
        return self.documents.find({"$or": [{"_id": query.strip()}, by_name]},
                                   sort=[("registered_at", DESCENDING)], limit=SEARCH_LIMIT)

    def needing_attention(self) -> list[Client]:
        # Every client with an open risk flag, however many; the rest fill up to a limit, oldest first.
        at_risk = self.documents.find({"open_risk": True})
        waiting = self.documents.find({"open_risk": {"$ne": True}, "status": {"$ne": "admitted"}},
                                      sort=[("registered_at", ASCENDING)], limit=QUEUE_LIMIT)
        return at_risk + waiting


class MongoScreeningRepository:
    def __init__(self, db: Database) -> None:
        self.documents = VersionedDocuments(db[SCREENINGS], Screening)
        self.add = self.documents.add

    def for_client(self, client_id: str) -> list[Screening]:
        return self.documents.find({"client_id": client_id}, sort=[("administered_at", DESCENDING)])

    def get(self, client_id: str, screening_id: str) -> Screening | None:
        return self.documents.find_one({"_id": screening_id, "client_id": client_id})

    def instruments_done(self, client_ids: list[str]) -> dict[str, set[str]]:
        done: dict[str, set[str]] = {client_id: set() for client_id in client_ids}
        projection = {"client_id": 1, "instrument": 1}
        for doc in self.documents.collection.find({"client_id": {"$in": client_ids}}, projection):
            done[doc["client_id"]].add(doc["instrument"])
        return done


def ensure_indexes(db: Database) -> None:
    db[CLIENTS].create_index([("name_key", ASCENDING), ("registration.date_of_birth", ASCENDING)])
    db[CLIENTS].create_index("search_terms")
    db[CLIENTS].create_index("open_risk")
    db[CLIENTS].create_index("status")
    db[REQUEST_KEYS].create_index("at", expireAfterSeconds=7 * 24 * 3600)  # retries come within minutes
    db[SCREENINGS].create_index([("client_id", ASCENDING), ("administered_at", DESCENDING)])
