"""Aggregates and the domain events they raise: pure Python, no framework.

An aggregate raises typed events as its state changes; the unit of work collects them from
every aggregate it saves and writes them to the outbox in the same transaction. A handler
cannot forget to publish one.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

_PENDING = "_pending_events"


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Something that happened. A subclass names the public event it becomes (its type and
    version in the catalog) and holds exactly that contract's fields."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    if TYPE_CHECKING:
        # Every concrete event has a `client_id` field. Declared for the type checker only: a real
        # annotation here would become the first dataclass field of every event and reorder them.
        @property
        def client_id(self) -> str: ...

    @property
    def subject(self) -> str:
        """The Kafka key: the client the event is about, so one client's events stay in order."""
        return str(self.client_id)

    def payload(self) -> dict[str, Any]:
        data = to_primitive(self)
        if not isinstance(data, dict):
            raise TypeError(f"{type(self).__name__} is not a dataclass of fields")
        return data


class Aggregate:
    """A consistency boundary that raises domain events. The pending events live outside the
    dataclass fields, so they are never stored, compared or printed."""

    def raise_event(self, event: DomainEvent) -> None:
        self.__dict__.setdefault(_PENDING, []).append(event)

    @property
    def pending_events(self) -> list[DomainEvent]:
        return list(self.__dict__.get(_PENDING, ()))

    def clear_events(self) -> None:
        self.__dict__.pop(_PENDING, None)


def to_primitive(value: Any) -> Any:
    """JSON-ready form of an event's fields: dataclasses become dicts, instants ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_primitive(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_primitive(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_primitive(item) for key, item in value.items()}
    return value
