"""Unit of work: a state change and the events it raises commit in one database transaction.

Repositories stage their writes here and hand over every aggregate they add or save; on
commit the unit of work collects the domain events those aggregates raised, validates each
against its contract and writes it to the outbox in the same transaction. A handler never
publishes by hand, so no event can be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from shared import context
from shared.contracts import validate_outgoing
from shared.domain import Aggregate, DomainEvent
from shared.envelope import Envelope

# A write run inside the transaction; it receives the database session (None for the fake).
StagedWrite = Callable[[Any], None]


class UnitOfWork(Protocol):
    events: list[Envelope]
    committed: bool

    def stage(self, write: StagedWrite) -> None: ...
    def track(self, aggregate: Aggregate) -> None: ...
    def commit(self) -> None: ...


class CollectingUnitOfWork:
    """Collects staged writes and saved aggregates; subclasses run them atomically."""

    def __init__(self, source: str, cause: Envelope | None = None) -> None:
        self.source = source
        self.cause = cause
        self.events: list[Envelope] = []  # the envelopes written, once committed
        self.committed = False
        self._writes: list[StagedWrite] = []
        self._aggregates: list[Aggregate] = []
        self._direct: list[Envelope] = []

    def stage(self, write: StagedWrite) -> None:
        self._writes.append(write)

    def track(self, aggregate: Aggregate) -> None:
        if not any(seen is aggregate for seen in self._aggregates):
            self._aggregates.append(aggregate)

    def publish(self, type_: str, version: int, subject: str, data: dict[str, Any]) -> Envelope:
        """An integration event with no aggregate behind it (tools and tests; services raise
        domain events instead)."""
        event = self._envelope(type_, version, subject, data)
        self._direct.append(event)
        return event

    def commit(self) -> None:
        if self.committed:
            raise RuntimeError("a unit of work commits once")
        # Built before the transaction: the events are validated once, and a retried
        # transaction writes exactly the same outbox records.
        events = self._direct + [
            self._from_domain(event) for aggregate in self._aggregates for event in aggregate.pending_events
        ]
        self._run(self._writes, events)
        for aggregate in self._aggregates:
            aggregate.clear_events()
        self.events = events
        self.committed = True

    def _run(self, writes: list[StagedWrite], events: list[Envelope]) -> None:
        raise NotImplementedError

    def _from_domain(self, event: DomainEvent) -> Envelope:
        return self._envelope(event.TYPE, event.VERSION, event.subject, event.payload())

    def _envelope(self, type_: str, version: int, subject: str, data: dict[str, Any]) -> Envelope:
        payload = validate_outgoing(type_, version, data)
        if self.cause is not None:
            return self.cause.caused(type_, version, self.source, subject, payload)
        return Envelope(
            type=type_,
            version=version,
            source=self.source,
            subject=subject,
            data=payload,
            correlation_id=context.correlation_id(),
        )
