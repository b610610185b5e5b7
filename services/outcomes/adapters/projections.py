"""Where outcomes keeps enrolments, admissions and scored measures, built from events and its own API.

Both are written with `put` (an upsert by id), so an event delivered twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from services.outcomes.domain.enrolment import Admission, Enrolment
from services.outcomes.domain.measure import Measure
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork
from shared.vocabulary import PROGRAMS

ENROLMENTS = DocumentKind("enrolments", Enrolment, id_field="client_id", indexes=(Index.on("program"),))
ADMISSIONS = DocumentKind("admissions", Admission, id_field="client_id")
# One measure per screening or session measure: the same one reported twice is one measure.
MEASURES = DocumentKind(
    "measures",
    Measure,
    id_field="measure_id",
    indexes=(
        Index.on("client_id", ("administered_at", ASCENDING)),
        Index.on("episode_id", ("administered_at", ASCENDING)),
    ),
)
OLDEST_FIRST = [("administered_at", ASCENDING), ("_id", ASCENDING)]


class EnrolmentRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(ENROLMENTS)

    def put(self, enrolment: Enrolment, uow: UnitOfWork) -> None:
        self.documents.put(enrolment, uow)

    def get(self, client_id: str) -> Enrolment | None:
        return self.documents.get(client_id)

    def all(self) -> list[Enrolment]:
        return self.documents.find({})

    def count_per_program(self) -> dict[str, int]:
        """Registered clients per program that has any (one indexed count each)."""
        counts = {program: self.documents.count({"program": program}) for program in PROGRAMS}
        return {program: count for program, count in counts.items() if count}


class AdmissionRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(ADMISSIONS)

    def put(self, admission: Admission, uow: UnitOfWork) -> None:
        self.documents.put(admission, uow)

    def get(self, client_id: str) -> Admission | None:
        return self.documents.get(client_id)


class MeasureRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(MEASURES)

    def put(self, measure: Measure, uow: UnitOfWork) -> None:
        self.documents.put(measure, uow)

    def add(self, measure: Measure, uow: UnitOfWork) -> None:
        self.documents.add(measure, uow)

    def get(self, measure_id: str) -> Measure | None:
        return self.documents.get(measure_id)

    def for_client(self, client_id: str) -> list[Measure]:
        return self.documents.find({"client_id": client_id}, sort=OLDEST_FIRST)

    def for_episode(self, episode_id: str) -> list[Measure]:
        return self.documents.find({"episode_id": episode_id}, sort=OLDEST_FIRST)

    def unattributed(self, client_id: str, since: datetime) -> list[Measure]:
        """The client's measures that count towards no episode yet, taken at or after `since`."""
        query = {"client_id": client_id, "episode_id": None, "administered_at": {"$gte": since}}
        return self.documents.find(query, sort=OLDEST_FIRST)
