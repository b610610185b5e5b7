"""In-memory repositories with the same behaviour as the MongoDB ones, for unit tests."""
from __future__ import annotations

import copy

from pymongo.errors import DuplicateKeyError

from services.intake.adapters.clients import search_terms
from services.intake.domain.client import Client, name_key
from services.intake.domain.errors import Conflict
from services.intake.domain.screening import Screening
from shared.uow import UnitOfWork


class InMemoryClientRepository:
    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}
        self.request_keys: dict[str, str] = {}

    def add(self, client: Client, uow: UnitOfWork, request_key: str | None = None) -> None:
        stored = copy.deepcopy(client)
        stored.events = []

        def write(_session) -> None:
            if request_key in self.request_keys:
                raise DuplicateKeyError(f"registration request {request_key} already stored")
            if request_key:
                self.request_keys[request_key] = client.id
            self.clients[client.id] = stored

        uow.stage(write)

    def registered_by_request(self, request_key: str) -> str | None:
        return self.request_keys.get(request_key)

    def save(self, client: Client, uow: UnitOfWork) -> None:
        expected = client.version
        stored = copy.deepcopy(client)
        stored.events, stored.version = [], expected + 1

        def write(_session) -> None:
            if self.clients[client.id].version != expected:
                raise Conflict("The client was changed by someone else; reload and try again.")
            self.clients[client.id] = stored

        uow.stage(write)

    def get(self, client_id: str) -> Client | None:
        client = self.clients.get(client_id)
        return copy.deepcopy(client) if client else None

    def possible_duplicates(self, client: Client) -> list[Client]:
        reg = client.registration
        key = name_key(reg.given_name, reg.family_name)
        return [c for c in self.clients.values() if c.id != client.id
                and name_key(c.registration.given_name, c.registration.family_name) == key
                and c.registration.date_of_birth == reg.date_of_birth]

    def search(self, query: str) -> list[Client]:
        words = query.casefold().split()

        def matches(c: Client) -> bool:
            names = search_terms(c.registration.given_name, c.registration.family_name)
            return all(any(n.startswith(w) for n in names) for w in words)

        return [c for c in self.clients.values() if words and (c.id == query.strip() or matches(c))]

    def needing_attention(self) -> list[Client]:
        return [copy.deepcopy(c) for c in self.clients.values() if c.open_risk_flags or c.status != "admitted"]


class InMemoryScreeningRepository:
    def __init__(self) -> None:
        self.screenings: dict[str, Screening] = {}

    def add(self, screening: Screening, uow: UnitOfWork) -> None:
        uow.stage(lambda _session: self.screenings.__setitem__(screening.id, screening))

    def for_client(self, client_id: str) -> list[Screening]:
        found = [s for s in self.screenings.values() if s.client_id == client_id]
        return sorted(found, key=lambda s: s.administered_at, reverse=True)

    def get(self, client_id: str, screening_id: str) -> Screening | None:
        screening = self.screenings.get(screening_id)
        return screening if screening and screening.client_id == client_id else None

    def instruments_done(self, client_ids: list[str]) -> dict[str, set[str]]:
        return {cid: {s.instrument for s in self.screenings.values() if s.client_id == cid} for cid in client_ids}
