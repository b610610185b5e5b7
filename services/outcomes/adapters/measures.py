"""Where measures are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

from typing import Protocol

from pymongo import ASCENDING
from pymongo.database import Database

from services.outcomes.domain.measure import Measure
from shared.codec import decode, encode
from shared.uow import UnitOfWork

MEASURES = "measures"


class MeasureRepository(Protocol):
    def add(self, measure: Measure, uow: UnitOfWork) -> None: ...
    def for_client(self, client_id: str) -> list[Measure]: ...


class MongoMeasureRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[MEASURES]

    def add(self, measure: Measure, uow: UnitOfWork) -> None:
        doc = encode(measure)
        doc["_id"] = measure.screening_id
        # Upsert by screening id: the same screening reported twice is one measure.
        uow.stage(lambda session: self.collection.replace_one({"_id": doc["_id"]}, doc, upsert=True,
                                                              session=session))

    def for_client(self, client_id: str) -> list[Measure]:
        docs = self.collection.find({"client_id": client_id}, {"_id": 0}).sort("administered_at", ASCENDING)
        return [decode(Measure, d) for d in docs]


class InMemoryMeasureRepository:
    def __init__(self) -> None:
        self.measures: dict[str, Measure] = {}

    def add(self, measure: Measure, uow: UnitOfWork) -> None:
        uow.stage(lambda _s: self.measures.__setitem__(measure.screening_id, measure))

    def for_client(self, client_id: str) -> list[Measure]:
        return sorted((m for m in self.measures.values() if m.client_id == client_id),
                      key=lambda m: m.administered_at)


def ensure_indexes(db: Database) -> None:
    db[MEASURES].create_index([("client_id", ASCENDING), ("administered_at", ASCENDING)])
