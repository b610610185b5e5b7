"""Where enrolments are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

from typing import Protocol

from pymongo.database import Database

from services.outcomes.domain.enrolment import Enrolment
from shared.uow import UnitOfWork

ENROLMENTS = "enrolments"


class EnrolmentRepository(Protocol):
    def add(self, enrolment: Enrolment, uow: UnitOfWork) -> None: ...
    def all(self) -> list[Enrolment]: ...


class MongoEnrolmentRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[ENROLMENTS]

    def add(self, enrolment: Enrolment, uow: UnitOfWork) -> None:
        doc = {"_id": enrolment.client_id, "program": enrolment.program,
               "registered_at": enrolment.registered_at}
        uow.stage(lambda session: self.collection.replace_one(
            {"_id": doc["_id"]}, doc, upsert=True, session=session))

    def all(self) -> list[Enrolment]:
        return [Enrolment(client_id=d["_id"], program=d["program"], registered_at=d["registered_at"])
                for d in self.collection.find({}, {"program": 1, "registered_at": 1})]


class InMemoryEnrolmentRepository:
    def __init__(self) -> None:
        self.enrolments: dict[str, Enrolment] = {}

    def add(self, enrolment: Enrolment, uow: UnitOfWork) -> None:
        uow.stage(lambda _session: self.enrolments.__setitem__(enrolment.client_id, enrolment))

    def all(self) -> list[Enrolment]:
        return list(self.enrolments.values())


def ensure_indexes(db: Database) -> None:
    db[ENROLMENTS].create_index("program")
