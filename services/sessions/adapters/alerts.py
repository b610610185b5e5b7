"""Where sessions keeps the risk alerts the workspace shows."""

from __future__ import annotations

from services.sessions.domain.staff_alert import OPEN, StaffAlert
from shared.documents import DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

STAFF_ALERTS = DocumentKind(
    "staff_alerts",
    StaffAlert,
    id_field="alert_id",
    indexes=(Index.on("status", "recipients"),),
)


class StaffAlertRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(STAFF_ALERTS)

    def get(self, alert_id: str) -> StaffAlert | None:
        return self.documents.get(alert_id)

    def put(self, alert: StaffAlert, uow: UnitOfWork) -> None:
        self.documents.put(alert, uow)

    def open_alerts(self, recipient: str | None = None) -> list[StaffAlert]:
        """Open alerts, newest first: those that reached `recipient`, or all of them."""
        query: dict[str, object] = {"status": OPEN}
        if recipient is not None:
            query["recipients"] = recipient
        return sorted(self.documents.find(query), key=lambda a: a.raised_at, reverse=True)
