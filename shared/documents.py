"""Dataclass aggregates stored as MongoDB documents, with optimistic concurrency.

Every repository in the platform keeps its aggregate the same way: `id` becomes `_id`, the
rest goes through `shared.codec`, and a save only lands on the version that was read.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Generic, TypeVar

from pymongo.collection import Collection

from shared.codec import decode, encode
from shared.uow import UnitOfWork

T = TypeVar("T")


class StaleWrite(RuntimeError):
    """Someone else changed the document since it was read."""


class VersionedDocuments(Generic[T]):
    def __init__(self, collection: Collection, kind: type[T],
                 extra_fields: Callable[[T], Mapping[str, Any]] = lambda _: {},
                 stale: Callable[[str], Exception] = StaleWrite) -> None:
        self.collection = collection
        self.kind = kind
        self.extra_fields = extra_fields  # denormalised keys for indexes (search, flags)
        self.stale = stale

    def document(self, item: T) -> dict[str, Any]:
        doc = encode(item)
        doc["_id"] = doc.pop("id")
        doc.update(self.extra_fields(item))
        return doc

    def load(self, doc: Mapping[str, Any]) -> T:
        fields = dict(doc)
        fields["id"] = fields.pop("_id")
        return decode(self.kind, fields)

    def add(self, item: T, uow: UnitOfWork) -> None:
        document = self.document(item)
        uow.stage(lambda session: self.collection.insert_one(dict(document), session=session))

    def save(self, item: T, uow: UnitOfWork) -> None:
        """The write lands only if the stored version is still the one that was read."""
        expected = item.version  # type: ignore[attr-defined]
        document = self.document(replace(item, version=expected + 1))

        def write(session) -> None:
            result = self.collection.replace_one({"_id": document["_id"], "version": expected}, document,
                                                 session=session)
            if result.matched_count != 1:
                raise self.stale("The record was changed by someone else; reload and try again.")

        uow.stage(write)

    def get(self, item_id: str) -> T | None:
        doc = self.collection.find_one({"_id": item_id})
        return self.load(doc) if doc else None

    def find(self, query: Mapping[str, Any], sort: list[tuple[str, int]] | None = None, limit: int = 0) -> list[T]:
        cursor = self.collection.find(dict(query))
        if sort:
            cursor = cursor.sort(sort)
        return [self.load(doc) for doc in cursor.limit(limit)]

    def find_one(self, query: Mapping[str, Any], sort: list[tuple[str, int]] | None = None) -> T | None:
        found = self.find(query, sort, limit=1)
        return found[0] if found else None
