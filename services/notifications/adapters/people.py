"""Where notifications keeps who to reach: client preferences, the staff directory, the on-call
rota and the caseload (a projection of sessions' assignments)."""

from __future__ import annotations

from collections.abc import Iterable

from services.notifications.domain.recipient import Preferences
from services.notifications.domain.staff import ON_CALL_ID, CaseloadEntry, OnCall, StaffMember
from shared.documents import DocumentKind, Index, StoreFactory
from shared.supervision_records import treated_outside
from shared.uow import UnitOfWork

PREFERENCES = DocumentKind("preferences", Preferences, id_field="client_id")
STAFF = DocumentKind("staff", StaffMember)
ON_CALL = DocumentKind("on_call", OnCall)
CASELOAD = DocumentKind("caseload", CaseloadEntry, id_field="client_id", indexes=(Index.on("clinician_id"),))


class PreferenceRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(PREFERENCES)

    def get(self, client_id: str) -> Preferences | None:
        return self.documents.get(client_id)

    def add(self, preferences: Preferences, uow: UnitOfWork) -> None:
        self.documents.add(preferences, uow)

    def save(self, preferences: Preferences, uow: UnitOfWork) -> None:
        self.documents.save(preferences, uow)


class StaffRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.members = stores(STAFF)
        self.rota = stores(ON_CALL)
        self.caseload = stores(CASELOAD)

    def member(self, staff_id: str) -> StaffMember | None:
        return self.members.get(staff_id)

    def put_member(self, member: StaffMember, uow: UnitOfWork) -> None:
        self.members.put(member, uow)

    def on_call(self) -> OnCall | None:
        return self.rota.get(ON_CALL_ID)

    def add_on_call(self, on_call: OnCall, uow: UnitOfWork) -> None:
        self.rota.add(on_call, uow)

    def save_on_call(self, on_call: OnCall, uow: UnitOfWork) -> None:
        self.rota.save(on_call, uow)

    def treating(self, client_id: str) -> CaseloadEntry | None:
        return self.caseload.get(client_id)

    def put_caseload(self, entry: CaseloadEntry, uow: UnitOfWork) -> None:
        self.caseload.put(entry, uow)

    def clients_of(self, clinician_id: str) -> frozenset[str]:
        """The clients the clinician treats now."""
        return frozenset(row["_id"] for row in self.caseload.values({"clinician_id": clinician_id}, ["_id"]))

    def treated_by_others(self, staff_ids: frozenset[str]) -> frozenset[str]:
        """The clients treated, or last treated before their course closed, by a clinician who is
        none of `staff_ids`."""
        return frozenset(row["_id"] for row in self.caseload.values(treated_outside(staff_ids), ["_id"]))

    def caseload_of(self, client_ids: Iterable[str]) -> dict[str, CaseloadEntry]:
        """Who treats each of these clients, in one query; a client nobody has taken on is missing."""
        wanted = sorted(set(client_ids))
        if not wanted:
            return {}
        return {entry.client_id: entry for entry in self.caseload.find({"_id": {"$in": wanted}})}
