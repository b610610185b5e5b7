"""Where clients, their screenings and registration request keys are kept.

Built on the shared document store, so the same code runs on MongoDB and, in unit tests, on
the in-memory store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.intake.domain.access import Scope
from services.intake.domain.client import ADMITTED, Client, name_key
from services.intake.domain.screening import Screening
from shared.documents import ASCENDING, DESCENDING, DocumentKind, Index, Query, StoreFactory
from shared.uow import UnitOfWork

QUEUE_LIMIT = 500
REQUEST_KEY_DAYS = 7  # retries come within minutes; a week is ample


@dataclass(frozen=True)
class RequestRecord:
    """A state change made under a request key, and what it produced. Its id (operation and key)
    makes a repeated submission impossible to apply twice, even when both copies arrive at once."""

    id: str
    operation: str
    result_id: str
    at: datetime


def search_terms(*names: str) -> list[str]:
    """Each word of each name, so "mary ann smith" finds Mary Ann Smith."""
    return sorted({word for name in names for word in name.casefold().split()})


def _index_keys(client: Client) -> dict[str, Any]:
    """Denormalised keys so search, duplicate checks and the queue use indexes, not scans."""
    reg = client.registration
    return {
        "name_key": name_key(reg.given_name, reg.family_name),
        "search_terms": search_terms(reg.given_name, reg.family_name),
        "open_risk": bool(client.open_risk_flags),
    }


CLIENTS = DocumentKind(
    "clients",
    Client,
    index_keys=_index_keys,
    indexes=(
        Index.on("name_key", "registration.date_of_birth"),
        Index.on("search_terms"),
        Index.on("open_risk"),
        Index.on("status"),
        Index.on("registered_at"),
    ),
)
SCREENINGS = DocumentKind("screenings", Screening, indexes=(Index.on("client_id", ("administered_at", DESCENDING)),))
REQUEST_KEYS = DocumentKind(
    "request_keys", RequestRecord, indexes=(Index.on("at", expire_after_seconds=REQUEST_KEY_DAYS * 24 * 3600),)
)


class RequestKeys:
    """What each request key already did, so a resent form or retried call is answered with the
    first result instead of being applied again."""

    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(REQUEST_KEYS)

    def remember(self, operation: str, key: str, result_id: str, at: datetime, uow: UnitOfWork) -> None:
        self.documents.add(RequestRecord(f"{operation}:{key}", operation, result_id, at), uow)

    def result_of(self, operation: str, key: str) -> str | None:
        found = self.documents.get(f"{operation}:{key}")
        return found.result_id if found else None


class ClientRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(CLIENTS)

    def add(self, client: Client, uow: UnitOfWork) -> None:
        self.documents.add(client, uow)

    def save(self, client: Client, uow: UnitOfWork) -> None:
        self.documents.save(client, uow)

    def get(self, client_id: str) -> Client | None:
        return self.documents.get(client_id)

    def possible_duplicates(self, client: Client) -> list[Client]:
        reg = client.registration
        found = self.documents.find(
            {
                "name_key": name_key(reg.given_name, reg.family_name),
                "registration.date_of_birth": reg.date_of_birth.isoformat(),
            }
        )
        return [c for c in found if c.id != client.id]

    def search(self, query: str, scope: Scope, offset: int = 0, limit: int = 0) -> tuple[list[Client], int]:
        """A page of the clients in `scope` whose names start with the query's words (or whose id
        it is), newest first, and how many there are in all."""
        words = query.casefold().split()
        if not words or scope.nobody:
            return [], 0
        # Every word must start one of the names: "ann lee" finds Ann Lee and Lee Ann.
        by_name = {"$and": [{"search_terms": {"$regex": f"^{re.escape(w)}"}} for w in words]}
        found = _within(scope, {"$or": [{"_id": query.strip()}, by_name]})
        page = self.documents.find(found, sort=[("registered_at", DESCENDING)], limit=limit, skip=offset)
        return page, self.documents.count(found)

    def with_identity(
        self, names: list[tuple[str, str]], date_of_birth: date, scope: Scope, offset: int = 0, limit: int = 0
    ) -> tuple[list[Client], int]:
        """A page of the clients in `scope` registered under one of the (given, family) names and
        this date of birth (case, accents and spacing aside), newest first, and how many in all."""
        if not names or scope.nobody:
            return [], 0
        found = _within(
            scope,
            {
                "name_key": {"$in": sorted({name_key(given, family) for given, family in names})},
                "registration.date_of_birth": date_of_birth.isoformat(),
            },
        )
        page = self.documents.find(found, sort=[("registered_at", DESCENDING)], limit=limit, skip=offset)
        return page, self.documents.count(found)

    def needing_attention(self, scope: Scope) -> list[Client]:
        # Every client with an open risk flag, however many; the rest fill up to a limit, oldest first.
        if scope.nobody:
            return []
        at_risk = self.documents.find(_within(scope, {"open_risk": True}))
        waiting = self.documents.find(
            _within(scope, {"open_risk": {"$ne": True}, "status": {"$ne": ADMITTED}}),
            sort=[("registered_at", ASCENDING)],
            limit=QUEUE_LIMIT,
        )
        return at_risk + waiting


def _within(scope: Scope, query: Query) -> Query:
    """The query narrowed to the clients of the scope (services/intake/domain/access.py)."""
    if scope.everyone:
        return {"$and": [query, {"_id": {"$nin": sorted(scope.withheld)}}]} if scope.withheld else query
    allowed: list[Query] = []
    if scope.ids:
        allowed.append({"_id": {"$in": sorted(scope.ids)}})
    if scope.not_admitted:
        allowed.append({"status": {"$ne": ADMITTED}})
    return {"$and": [query, {"$or": allowed} if allowed else {"_id": {"$in": []}}]}


class ScreeningRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(SCREENINGS)

    def add(self, screening: Screening, uow: UnitOfWork) -> None:
        self.documents.add(screening, uow)

    def for_client(self, client_id: str) -> list[Screening]:
        return self.documents.find({"client_id": client_id}, sort=[("administered_at", DESCENDING)])

    def get(self, client_id: str, screening_id: str) -> Screening | None:
        return self.documents.find_one({"_id": screening_id, "client_id": client_id})

    def instruments_done(self, client_ids: list[str]) -> dict[str, set[str]]:
        done: dict[str, set[str]] = {client_id: set() for client_id in client_ids}
        # An incomplete form kept for its risk answers is not a screening done.
        query = {"client_id": {"$in": client_ids}, "complete": {"$ne": False}}
        for row in self.documents.values(query, ("client_id", "instrument")):
            done[row["client_id"]].add(row["instrument"])
        return done
