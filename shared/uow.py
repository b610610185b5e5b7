"""Unit of work: a state change and the events it raises commit in one database transaction."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from pymongo.client_session import ClientSession
from pymongo.database import Database

from shared import context
from shared.contracts import validate_outgoing
from shared.envelope import Envelope
from shared.outbox import OUTBOX, outbox_record

StagedWrite = Callable[[ClientSession | None], None]


class UnitOfWork(Protocol):
    def stage(self, write: StagedWrite) -> None: ...
    def publish(self, type_: str, version: int, subject: str, data: dict[str, Any]) -> Envelope: ...
    def commit(self) -> None: ...


class EventCollector:
    """Builds validated envelopes in the current correlation chain."""

    def __init__(self, source: str, cause: Envelope | None = None) -> None:
        self.source = source
        self.cause = cause
        self.events: list[Envelope] = []

    def publish(self, type_: str, version: int, subject: str, data: dict[str, Any]) -> Envelope:
        payload = validate_outgoing(type_, version, data)
        if self.cause is not None:
            event = self.cause.caused(type_, version, self.source, subject, payload)
        else:
            event = Envelope(type=type_, version=version, source=self.source, subject=subject,
                             data=payload, correlation_id=context.correlation_id())
        self.events.append(event)
        return event


class MongoUnitOfWork(EventCollector):
    """Collects writes as callbacks and runs them, plus the outbox insert, in one transaction.

    The writes are plain callbacks because `with_transaction` may run them again after a
    transient error; nothing in them may depend on having run before.
    """

    def __init__(self, db: Database, source: str, cause: Envelope | None = None) -> None:
        super().__init__(source, cause)
        self.db = db
        self._writes: list[StagedWrite] = []
        self.committed = False

    def stage(self, write: StagedWrite) -> None:
        self._writes.append(write)

    def commit(self) -> None:
        if self.committed:
            raise RuntimeError("a unit of work commits once")
        records = [outbox_record(event, seq) for seq, event in enumerate(self.events)]

        def apply(session: ClientSession) -> None:
            for write in self._writes:
                write(session)
            if records:
                self.db[OUTBOX].insert_many([dict(r) for r in records], session=session)

        with self.db.client.start_session() as session:
            session.with_transaction(apply)
        self.committed = True


class FakeUnitOfWork(EventCollector):
    """For unit tests of handlers: runs staged writes without a database and keeps the events."""

    def __init__(self, source: str = "test", cause: Envelope | None = None) -> None:
        super().__init__(source, cause)
        self.committed = False
        self._writes: list[StagedWrite] = []

    def stage(self, write: StagedWrite) -> None:
        self._writes.append(write)

    def commit(self) -> None:
        for write in self._writes:
            write(None)
        self.committed = True
