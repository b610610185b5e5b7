"""Every aggregate and read model is kept the same way: a dataclass stored as one document.

A `DocumentKind` says once where a type lives (collection, id field, indexes, denormalised
keys). A `Documents` store keeps items of that kind: `MongoDocuments` in the running services,
`shared.memory.InMemoryDocuments` in unit tests, with the same semantics:

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

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.codec import decode, encode
from shared.domain import Aggregate
from shared.errors import AlreadyExists, StaleWrite
from shared.uow import UnitOfWork

T = TypeVar("T")
Query = Mapping[str, Any]
Sort = Sequence[tuple[str, int]]
STALE_MESSAGE = "The record was changed by someone else; reload and try again."


@dataclass(frozen=True)
class Index:
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    expire_after_seconds: int | None = None

    @classmethod
    def on(cls, *keys: str | tuple[str, int], unique: bool = False,
           expire_after_seconds: int | None = None) -> Index:
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
    def find(self, query: Query, sort: Sort | None = None, limit: int = 0) -> list[T]: ...
    def find_one(self, query: Query, sort: Sort | None = None) -> T | None: ...
    def values(self, query: Query, names: Sequence[str]) -> list[dict[str, Any]]: ...
    def count(self, query: Query) -> int: ...


class StoreFactory(Protocol):
    def __call__(self, kind: DocumentKind[T]) -> Documents[T]: ...


def next_version(item: T) -> tuple[int, T]:
    """The version that was read, and the item as it will be stored (one version later)."""
    expected = int(getattr(item, "version"))
    return expected, replace(item, version=expected + 1)  # type: ignore[type-var]


def track(item: object, uow: UnitOfWork) -> None:
    if isinstance(item, Aggregate):
        uow.track(item)


class MongoDocuments(Generic[T]):
    def __init__(self, db: Database[Any], kind: DocumentKind[T]) -> None:
        self.kind = kind
        self.collection: Collection[Any] = db[kind.collection]

    @staticmethod
    def factory(db: Database[Any]) -> StoreFactory:
        def make(kind: DocumentKind[Any]) -> Documents[Any]:
            return MongoDocuments(db, kind)
        return make

    def add(self, item: T, uow: UnitOfWork) -> None:
        document = self.kind.to_document(item)

        def write(session: Any) -> None:
            try:
                self.collection.insert_one(dict(document), session=session)
            except DuplicateKeyError as error:
                raise AlreadyExists(f"{self.kind.collection} {document['_id']} already exists") from error

        uow.stage(write)
        track(item, uow)

    def save(self, item: T, uow: UnitOfWork) -> None:
        expected, stored = next_version(item)
        document = self.kind.to_document(stored)

        def write(session: Any) -> None:
            result = self.collection.replace_one({"_id": document["_id"], "version": expected}, document,
                                                 session=session)
            if result.matched_count != 1:
                raise StaleWrite(STALE_MESSAGE)

        uow.stage(write)
        track(item, uow)

    def put(self, item: T, uow: UnitOfWork) -> None:
        document = self.kind.to_document(item)
        uow.stage(lambda session: self.collection.replace_one({"_id": document["_id"]}, document, upsert=True,
                                                              session=session))
        track(item, uow)

    def get(self, item_id: str) -> T | None:
        document = self.collection.find_one({"_id": item_id})
        return self.kind.from_document(document) if document else None

    def find(self, query: Query, sort: Sort | None = None, limit: int = 0) -> list[T]:
        cursor = self.collection.find(dict(query))
        if sort:
            cursor = cursor.sort(list(sort))
        return [self.kind.from_document(document) for document in cursor.limit(limit)]

    def find_one(self, query: Query, sort: Sort | None = None) -> T | None:
        found = self.find(query, sort, limit=1)
        return found[0] if found else None

    def values(self, query: Query, names: Sequence[str]) -> list[dict[str, Any]]:
        projection = {name: 1 for name in names} | ({} if "_id" in names else {"_id": 0})
        return list(self.collection.find(dict(query), projection))

    def count(self, query: Query) -> int:
        return self.collection.count_documents(dict(query))


def ensure_indexes(db: Database[Any], kinds: Sequence[DocumentKind[Any]]) -> None:
    """Creates every index the kinds declare (idempotent: run by each worker at start)."""
    for kind in kinds:
        for index in kind.indexes:
            options: dict[str, Any] = {"unique": index.unique}
            if index.expire_after_seconds is not None:
                options["expireAfterSeconds"] = index.expire_after_seconds
            db[kind.collection].create_index(list(index.keys), **options)
