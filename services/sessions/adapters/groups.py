"""Where IPT groups are kept."""

from __future__ import annotations

from datetime import datetime

from services.sessions.domain.group import Group
from services.sessions.domain.schedule import Slot
from shared.documents import DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

GROUPS = DocumentKind("groups", Group, indexes=(Index.on("clinician_id"), Index.on("co_facilitator_id")))


class GroupRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(GROUPS)

    def add(self, group: Group, uow: UnitOfWork) -> None:
        self.documents.add(group, uow)

    def save(self, group: Group, uow: UnitOfWork) -> None:
        self.documents.save(group, uow)

    def get(self, group_id: str) -> Group | None:
        return self.documents.get(group_id)

    def facilitated_by(self, clinician_ids: list[str]) -> list[Group]:
        query = {"$or": [{"clinician_id": {"$in": clinician_ids}}, {"co_facilitator_id": {"$in": clinician_ids}}]}
        return self.documents.find(query, sort=[("name", 1)])

    def all(self) -> list[Group]:
        return self.documents.find({}, sort=[("name", 1)])

    def meeting_slots(self, clinician_id: str, start: datetime, end: datetime, except_id: str | None) -> list[Slot]:
        """When the clinician leads or co-facilitates a group meeting within [start, end)."""
        return [
            Slot(meeting.start, meeting.end)
            for group in self.facilitated_by([clinician_id])
            if group.id != except_id
            for meeting in group.meetings
            if meeting.start < end and meeting.end > start
        ]
