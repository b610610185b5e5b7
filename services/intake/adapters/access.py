"""Where intake keeps what decides who may open a client: the caseload and the reach of risk alerts."""

from __future__ import annotations

from services.intake.domain.caseload import AlertReach, CaseloadEntry
from shared.documents import DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

CASELOAD = DocumentKind("caseload", CaseloadEntry, id_field="client_id", indexes=(Index.on("clinician_id"),))
ALERT_REACH = DocumentKind("alert_reach", AlertReach, indexes=(Index.on("client_id"), Index.on("recipients", "open")))


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

    def clients_of(self, staff_id: str) -> frozenset[str]:
        """The clients on the clinician's caseload, and those an open alert reached them about."""
        treated = self.caseload.values({"clinician_id": staff_id}, ["_id"])
        alerted = self.alerts.values({"recipients": staff_id, "open": True}, ["client_id"])
        return frozenset(row["_id"] for row in treated) | frozenset(row["client_id"] for row in alerted)
