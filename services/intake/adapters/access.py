"""Where intake keeps what decides who may open a client: the caseload, the reach of risk alerts and
the emergency access grants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.intake.domain.caseload import AlertReach, CaseloadEntry
from services.intake.domain.emergency_access import AccessGrant
from shared.documents import DESCENDING, DocumentKind, Index, StoreFactory
from shared.emergency_access import EmergencyGrant
from shared.supervision_records import treated_outside
from shared.uow import UnitOfWork

CASELOAD = DocumentKind("caseload", CaseloadEntry, id_field="client_id", indexes=(Index.on("clinician_id"),))
ALERT_REACH = DocumentKind("alert_reach", AlertReach, indexes=(Index.on("client_id"), Index.on("recipients", "open")))
ACCESS_GRANTS = DocumentKind(
    "emergency_grants",
    AccessGrant,
    indexes=(Index.on("staff_id", "expires_at"), Index.on("reviewed_at", ("granted_at", DESCENDING))),
)


class AccessRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.caseload = stores(CASELOAD)
        self.alerts = stores(ALERT_REACH)

    def treating(self, client_id: str) -> CaseloadEntry | None:
        return self.caseload.get(client_id)

    def put_caseload(self, entry: CaseloadEntry, uow: UnitOfWork) -> None:
        self.caseload.put(entry, uow)

    def alert(self, alert_id: str) -> AlertReach | None:
        return self.alerts.get(alert_id)

    def put_alert(self, reach: AlertReach, uow: UnitOfWork) -> None:
        self.alerts.put(reach, uow)

    def alerted(self, client_id: str) -> frozenset[str]:
        """Everyone an open alert about the client reached."""
        found = self.alerts.values({"client_id": client_id, "open": True}, ["recipients"])
        return frozenset(name for row in found for name in row.get("recipients", []))

    def treated_by_others(self, staff_ids: frozenset[str]) -> frozenset[str]:
        """The clients treated, or last treated before their course closed, by a clinician who is
        none of `staff_ids`."""
        return frozenset(row["_id"] for row in self.caseload.values(treated_outside(staff_ids), ["_id"]))

    def clients_of(self, staff_id: str) -> frozenset[str]:
        """The clients on the clinician's caseload, and those an open alert reached them about."""
        treated = self.caseload.values({"clinician_id": staff_id}, ["_id"])
        alerted = self.alerts.values({"recipients": staff_id, "open": True}, ["client_id"])
        return frozenset(row["_id"] for row in treated) | frozenset(row["client_id"] for row in alerted)


class GrantRepository:
    """The emergency access grants, with their reasons and reviews."""

    def __init__(self, stores: StoreFactory) -> None:
        self.grants = stores(ACCESS_GRANTS)

    def get(self, grant_id: str) -> AccessGrant | None:
        return self.grants.get(grant_id)

    def add(self, grant: AccessGrant, uow: UnitOfWork) -> None:
        self.grants.add(grant, uow)

    def save(self, grant: AccessGrant, uow: UnitOfWork) -> None:
        self.grants.save(grant, uow)

    def unexpired(self, staff_id: str, now: datetime) -> list[AccessGrant]:
        return self.grants.find({"staff_id": staff_id, "expires_at": {"$gt": now}})

    def unexpired_of(self, staff_id: str, now: datetime) -> tuple[EmergencyGrant, ...]:
        """What the object checks need of the staff member's grants (shared/emergency_access.py)."""
        return tuple(grant.shared() for grant in self.unexpired(staff_id, now))

    def listed(
        self, reviewed: bool | None, start: datetime | None, end: datetime | None, offset: int, limit: int
    ) -> tuple[list[AccessGrant], int]:
        """A page of the grants, newest first: reviewed or not, granted from `start` until `end`."""
        query: dict[str, Any] = {}
        if reviewed is not None:
            query["reviewed_at"] = {"$ne": None} if reviewed else None
        moment: dict[str, datetime] = {}
        if start:
            moment["$gte"] = start
        if end:
            moment["$lt"] = end
        if moment:
            query["granted_at"] = moment
        found = self.grants.find(query, sort=[("granted_at", DESCENDING)], limit=limit, skip=offset)
        return found, self.grants.count(query)
