"""Where clinician profiles are kept."""

from __future__ import annotations

from services.sessions.domain.clinician import Clinician
from shared.documents import DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

CLINICIANS = DocumentKind("clinicians", Clinician, indexes=(Index.on("programs"), Index.on("supervisor")))


class ClinicianRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(CLINICIANS)

    def add(self, clinician: Clinician, uow: UnitOfWork) -> None:
        self.documents.add(clinician, uow)

    def save(self, clinician: Clinician, uow: UnitOfWork) -> None:
        self.documents.save(clinician, uow)

    def get(self, clinician_id: str) -> Clinician | None:
        return self.documents.get(clinician_id)

    def all(self) -> list[Clinician]:
        return self.documents.find({}, sort=[("_id", 1)])

    def in_program(self, program: str) -> list[Clinician]:
        return self.documents.find({"programs": program}, sort=[("_id", 1)])

    def team_of(self, supervisor: str) -> list[Clinician]:
        return self.documents.find({"supervisor": supervisor}, sort=[("_id", 1)])
