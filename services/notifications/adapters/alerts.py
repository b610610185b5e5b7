"""Where alerts are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from pymongo import ASCENDING
from pymongo.database import Database

from services.notifications.domain.alert import OPEN, RESOLVED, Alert
from shared.documents import StaleWrite, VersionedDocuments
from shared.uow import UnitOfWork

ALERTS = "alerts"
# Flags known to be cleared, so a flag event that arrives late (a replayed dead letter) opens nothing.
CLEARED_FLAGS = "cleared_flags"


class AlertRepository(Protocol):
    def add(self, alert: Alert, uow: UnitOfWork) -> None: ...
    def save(self, alert: Alert, uow: UnitOfWork) -> None: ...
    def get(self, alert_id: str) -> Alert | None: ...
    def for_flag(self, flag_id: str) -> Alert | None: ...
    def unresolved(self) -> list[Alert]: ...
    def due_for_escalation(self, now: datetime) -> list[Alert]: ...
    def remember_cleared(self, flag_id: str, at: datetime, uow: UnitOfWork) -> None: ...
    def was_cleared(self, flag_id: str) -> bool: ...


class MongoAlertRepository:
    def __init__(self, db: Database) -> None:
        self.documents = VersionedDocuments(db[ALERTS], Alert)
        self.cleared = db[CLEARED_FLAGS]
        self.add = self.documents.add
        self.save = self.documents.save
        self.get = self.documents.get

    def for_flag(self, flag_id: str) -> Alert | None:
        return self.documents.find_one({"flag_id": flag_id})

    def unresolved(self) -> list[Alert]:
        return self.documents.find({"status": {"$ne": RESOLVED}}, sort=[("raised_at", ASCENDING)])

    def due_for_escalation(self, now: datetime) -> list[Alert]:
        return self.documents.find({"status": OPEN, "escalate_at": {"$lte": now}})

    def remember_cleared(self, flag_id: str, at: datetime, uow: UnitOfWork) -> None:
        uow.stage(lambda session: self.cleared.replace_one({"_id": flag_id}, {"_id": flag_id, "cleared_at": at},
                                                          upsert=True, session=session))

    def was_cleared(self, flag_id: str) -> bool:
        return self.cleared.find_one({"_id": flag_id}, {"_id": 1}) is not None


class InMemoryAlertRepository:
    def __init__(self) -> None:
        self.alerts: dict[str, Alert] = {}
        self.cleared: set[str] = set()

    def add(self, alert: Alert, uow: UnitOfWork) -> None:
        stored = copy.deepcopy(alert)
        stored.events = []
        uow.stage(lambda _s: self.alerts.__setitem__(alert.id, stored))

    def save(self, alert: Alert, uow: UnitOfWork) -> None:
        stored = replace(copy.deepcopy(alert), version=alert.version + 1, events=[])

        def write(_s) -> None:
            if self.alerts[alert.id].version != alert.version:
                raise StaleWrite(alert.id)
            self.alerts[alert.id] = stored

        uow.stage(write)

    def get(self, alert_id: str) -> Alert | None:
        return copy.deepcopy(self.alerts.get(alert_id))

    def for_flag(self, flag_id: str) -> Alert | None:
        return next((copy.deepcopy(a) for a in self.alerts.values() if a.flag_id == flag_id), None)

    def unresolved(self) -> list[Alert]:
        return sorted((copy.deepcopy(a) for a in self.alerts.values() if a.status != RESOLVED),
                      key=lambda a: a.raised_at)

    def due_for_escalation(self, now: datetime) -> list[Alert]:
        return [copy.deepcopy(a) for a in self.alerts.values() if a.status == OPEN and a.escalate_at <= now]

    def remember_cleared(self, flag_id: str, at: datetime, uow: UnitOfWork) -> None:
        uow.stage(lambda _s: self.cleared.add(flag_id))

    def was_cleared(self, flag_id: str) -> bool:
        return flag_id in self.cleared


def ensure_indexes(db: Database) -> None:
    # One alert per risk flag, even if the flag event is delivered twice by two paths.
    db[ALERTS].create_index("flag_id", unique=True)
    db[ALERTS].create_index([("status", ASCENDING), ("escalate_at", ASCENDING)])
