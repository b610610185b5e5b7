"""Every aggregate and read model is kept the same way: a dataclass stored as one document.

A `DocumentKind` says once where a type lives (collection, id field, indexes, denormalised
keys). A `Documents` store keeps items of that kind: `shared.mongo_store.MongoDocuments` in the
running services, `shared.memory.InMemoryDocuments` in unit tests, with the same semantics:

- `add` inserts (`AlreadyExists` if the id or a unique key is taken);
- `save` replaces only the version that was read (`StaleWrite` otherwise), so two people
  editing one record never overwrite each other;
- `put` upserts with no version check, for projections rebuilt from events (last write wins,
  so a redelivered event changes nothing).

Writes are staged on a unit of work and land in its transaction; a saved aggregate is also
handed to the unit of work, which publishes the domain events it raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar

from shared.codec import decode, encode
from shared.domain import Aggregate
from shared.uow import UnitOfWork

T = TypeVar("T")
ASCENDING, DESCENDING = 1, -1
Query = Mapping[str, Any]
Sort = Sequence[tuple[str, int]]
STALE_MESSAGE = "The record was changed by someone else; reload and try again."


@dataclass(frozen=True)
class Index:
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    expire_after_seconds: int | None = None

    @classmethod
    def on(cls, *keys: str | tuple[str, int], unique: bool = False, expire_after_seconds: int | None = None) -> Index:
        pairs = tuple(key if isinstance(key, tuple) else (key, 1) for key in keys)
        return cls(pairs, unique, expire_after_seconds)


def _no_extra_keys(_item: Any) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class DocumentKind(Generic[T]):
    """Where and how one dataclass type is stored."""

    collection: str
    kind: type[T]
    id_field: str = "id"
    indexes: tuple[Index, ...] = ()
    # Denormalised keys kept beside the fields so queries use indexes (search terms, flags).
    index_keys: Callable[[T], Mapping[str, Any]] = _no_extra_keys

    def to_document(self, item: T) -> dict[str, Any]:
        document: dict[str, Any] = encode(item)
        document["_id"] = document.pop(self.id_field)
        document.update(self.index_keys(item))
        return document

    def from_document(self, document: Mapping[str, Any]) -> T:
        fields = dict(document)
        fields[self.id_field] = fields.pop("_id")
        item: T = decode(self.kind, fields)
        return item

    def identity(self, item: T) -> str:
        return str(getattr(item, self.id_field))


class Documents(Protocol[T]):
    kind: DocumentKind[T]

    def add(self, item: T, uow: UnitOfWork) -> None: ...
    def save(self, item: T, uow: UnitOfWork) -> None: ...
    def put(self, item: T, uow: UnitOfWork) -> None: ...
    def get(self, item_id: str) -> T | None: ...
    def find(self, query: Query, sort: Sort | None = None, limit: int = 0, skip: int = 0) -> list[T]: ...
    def find_one(self, query: Query, sort: Sort | None = None) -> T | None: ...
    def values(self, query: Query, names: Sequence[str]) -> list[dict[str, Any]]: ...
    def count(self, query: Query) -> int: ...


class StoreFactory(Protocol):
    def __call__(self, kind: DocumentKind[T]) -> Documents[T]: ...


def next_version(item: T) -> tuple[int, T]:
    """The version that was read, and the item as it will be stored (one version later)."""
    # Whatever is saved (not put) is a dataclass with an integer `version` field; `T` itself stays
    # unbounded because the same stores also keep read models, which have no version.
    aggregate: Any = item
    expected = int(aggregate.version)
    return expected, replace(aggregate, version=expected + 1)


def track(item: object, uow: UnitOfWork) -> None:
    if isinstance(item, Aggregate):
        uow.track(item)
