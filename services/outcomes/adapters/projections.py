"""Where outcomes keeps its read models: enrolments and scored measures, built from events.

Both are projections: `put` upserts by id, so an event delivered twice changes nothing.
"""

from __future__ import annotations

from services.outcomes.domain.enrolment import Enrolment
from services.outcomes.domain.measure import Measure
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

ENROLMENTS = DocumentKind("enrolments", Enrolment, id_field="client_id", indexes=(Index.on("program"),))
# One measure per screening: the same screening reported twice is one measure.
MEASURES = DocumentKind(
    "measures", Measure, id_field="screening_id", indexes=(Index.on("client_id", ("administered_at", ASCENDING)),)
)


class EnrolmentRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(ENROLMENTS)

    def put(self, enrolment: Enrolment, uow: UnitOfWork) -> None:
        self.documents.put(enrolment, uow)

    def all(self) -> list[Enrolment]:
        return self.documents.find({})


class MeasureRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(MEASURES)

    def put(self, measure: Measure, uow: UnitOfWork) -> None:
        self.documents.put(measure, uow)

    def for_client(self, client_id: str) -> list[Measure]:
        return self.documents.find({"client_id": client_id}, sort=[("administered_at", ASCENDING)])
