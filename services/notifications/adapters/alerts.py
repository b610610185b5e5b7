"""Where alerts, and the flags known to be cleared, are kept."""

from __future__ import annotations

from datetime import datetime

from services.notifications.domain.alert import OPEN, RESOLVED, Alert
from services.notifications.domain.cleared_flag import ClearedFlag
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

# One alert per risk flag, even if the flag event is delivered twice by two paths.
ALERTS = DocumentKind(
    "alerts",
    Alert,
    indexes=(Index.on("flag_id", unique=True), Index.on("status", ("escalate_at", ASCENDING)), Index.on("raised_at")),
)
CLEARED_FLAGS = DocumentKind("cleared_flags", ClearedFlag, id_field="flag_id")


class AlertRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(ALERTS)
        self.cleared = stores(CLEARED_FLAGS)

    def add(self, alert: Alert, uow: UnitOfWork) -> None:
        self.documents.add(alert, uow)

    def save(self, alert: Alert, uow: UnitOfWork) -> None:
        self.documents.save(alert, uow)

    def get(self, alert_id: str) -> Alert | None:
        return self.documents.get(alert_id)

    def for_flag(self, flag_id: str) -> Alert | None:
        return self.documents.find_one({"flag_id": flag_id})

    def unresolved(self) -> list[Alert]:
        return self.documents.find({"status": {"$ne": RESOLVED}}, sort=[("raised_at", ASCENDING)])

    def with_status(self, status: str) -> list[Alert]:
        return self.documents.find({"status": status}, sort=[("raised_at", ASCENDING)])

    def due_for_escalation(self, now: datetime) -> list[Alert]:
        return self.documents.find({"status": OPEN, "escalate_at": {"$lte": now}})

    def remember_cleared(self, flag_id: str, at: datetime, uow: UnitOfWork) -> None:
        self.cleared.put(ClearedFlag(flag_id, at), uow)

    def was_cleared(self, flag_id: str) -> bool:
        return self.cleared.get(flag_id) is not None
