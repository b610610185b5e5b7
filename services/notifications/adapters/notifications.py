"""Where notifications are kept: every message, scheduled or done, with its idempotency key as id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from services.notifications.domain.access import MessageScope
from services.notifications.domain.notification import SCHEDULED, Notification
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

NOTIFICATIONS = DocumentKind(
    "notifications",
    Notification,
    indexes=(
        Index.on("status", ("send_at", ASCENDING)),
        Index.on("client_id", ("send_at", ASCENDING)),
        Index.on("recipient_id", ("send_at", ASCENDING)),
        Index.on("source_id"),
    ),
)
BY_TIME = [("send_at", ASCENDING), ("_id", ASCENDING)]
EVERY_MESSAGE = MessageScope(everyone=True)


class NotificationRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(NOTIFICATIONS)

    def add(self, notification: Notification, uow: UnitOfWork) -> None:
        self.documents.add(notification, uow)

    def save(self, notification: Notification, uow: UnitOfWork) -> None:
        self.documents.save(notification, uow)

    def get(self, notification_id: str) -> Notification | None:
        return self.documents.get(notification_id)

    def due(self, now: datetime, lease: timedelta, limit: int = 50) -> list[Notification]:
        """Scheduled messages whose time has come and that no live attempt holds, oldest first."""
        query = {
            "status": SCHEDULED,
            "send_at": {"$lte": now},
            "$or": [{"in_flight_since": None}, {"in_flight_since": {"$lte": now - lease}}],
        }
        return self.documents.find(query, sort=BY_TIME, limit=limit)

    def pending_for(self, source_id: str, types: Iterable[str]) -> list[Notification]:
        return self.documents.find({"source_id": source_id, "status": SCHEDULED, "type": {"$in": list(types)}})

    def search(
        self,
        client_id: str | None = None,
        recipient_id: str | None = None,
        type_: str | None = None,
        status: str | None = None,
        scope: MessageScope = EVERY_MESSAGE,
        limit: int = 500,
    ) -> list[Notification]:
        """The first `limit` messages matching the filters, of those in `scope`, by time."""
        query: dict[str, Any] = {}
        for name, value in (
            ("client_id", client_id),
            ("recipient_id", recipient_id),
            ("type", type_),
            ("status", status),
        ):
            if value is not None:
                query[name] = value
        return self.documents.find(_within(scope, query), sort=BY_TIME, limit=limit)


def _within(scope: MessageScope, query: dict[str, Any]) -> dict[str, Any]:
    """The query narrowed to the messages of the scope (services/notifications/domain/access.py)."""
    if scope.everyone:
        return query
    allowed: list[dict[str, Any]] = [{"client_id": {"$in": sorted(scope.clients)}}]
    if scope.recipient is not None:
        allowed.append({"recipient_id": scope.recipient})
    if scope.all_clients_but is not None:
        allowed.append({"client_id": {"$nin": sorted(scope.all_clients_but)}})
    return {"$and": [query, {"$or": allowed}]}
