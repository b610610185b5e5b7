"""Where alerts are kept: MongoDB in the running service, a dict in unit tests."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from pymongo import ASCENDING
from pymongo.database import Database

from services.notifications.domain.alert import OPEN, RESOLVED, Alert
from shared.codec import decode, encode
from shared.uow import UnitOfWork

ALERTS = "alerts"


class StaleAlert(RuntimeError):
    pass


class AlertRepository(Protocol):
    def add(self, alert: Alert, uow: UnitOfWork) -> None: ...
    def save(self, alert: Alert, uow: UnitOfWork) -> None: ...
    def get(self, alert_id: str) -> Alert | None: ...
    def for_flag(self, flag_id: str) -> Alert | None: ...
    def unresolved(self) -> list[Alert]: ...
    def due_for_escalation(self, now: datetime) -> list[Alert]: ...


def _document(alert: Alert) -> dict[str, Any]:
    doc = encode(alert)
    doc["_id"] = doc.pop("id")
    return doc


def _alert(doc: dict[str, Any]) -> Alert:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return decode(Alert, doc)


class MongoAlertRepository:
    def __init__(self, db: Database) -> None:
        self.collection = db[ALERTS]

    def add(self, alert: Alert, uow: UnitOfWork) -> None:
        document = _document(alert)
        uow.stage(lambda session: self.collection.insert_one(dict(document), session=session))

    def save(self, alert: Alert, uow: UnitOfWork) -> None:
        expected = alert.version
        document = _document(replace(alert, version=expected + 1))

        def write(session) -> None:
            if self.collection.replace_one({"_id": alert.id, "version": expected}, document,
                                           session=session).matched_count != 1:
                raise StaleAlert(alert.id)

        uow.stage(write)

    def get(self, alert_id: str) -> Alert | None:
        doc = self.collection.find_one({"_id": alert_id})
        return _alert(doc) if doc else None

    def for_flag(self, flag_id: str) -> Alert | None:
        doc = self.collection.find_one({"flag_id": flag_id})
        return _alert(doc) if doc else None

    def unresolved(self) -> list[Alert]:
        docs = self.collection.find({"status": {"$ne": RESOLVED}}).sort("raised_at", ASCENDING)
        return [_alert(d) for d in docs]

    def due_for_escalation(self, now: datetime) -> list[Alert]:
        return [_alert(d) for d in self.collection.find({"status": OPEN, "escalate_at": {"$lte": now}})]


class InMemoryAlertRepository:
    def __init__(self) -> None:
        self.alerts: dict[str, Alert] = {}

    def add(self, alert: Alert, uow: UnitOfWork) -> None:
        stored = copy.deepcopy(alert)
        stored.events = []
        uow.stage(lambda _s: self.alerts.__setitem__(alert.id, stored))

    def save(self, alert: Alert, uow: UnitOfWork) -> None:
        stored = replace(copy.deepcopy(alert), version=alert.version + 1, events=[])

        def write(_s) -> None:
            if self.alerts[alert.id].version != alert.version:
                raise StaleAlert(alert.id)
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


def ensure_indexes(db: Database) -> None:
    # One alert per risk flag, even if the flag event is delivered twice by two paths.
    db[ALERTS].create_index("flag_id", unique=True)
    db[ALERTS].create_index([("status", ASCENDING), ("escalate_at", ASCENDING)])
