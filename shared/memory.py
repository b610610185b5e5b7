"""In-memory stand-ins for the document store and unit of work, for unit tests of handlers.

They keep documents exactly as MongoDB would (the same encoding, `_id`, denormalised keys),
answer the subset of the query language the repositories use, enforce unique indexes and
optimistic concurrency the same way, and a unit of work commits all of its writes or none.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from shared.documents import STALE_MESSAGE, DocumentKind, Documents, Query, Sort, StoreFactory, next_version, track
from shared.envelope import Envelope
from shared.errors import AlreadyExists, StaleWrite
from shared.uow import CollectingUnitOfWork, StagedWrite, UnitOfWork

T = TypeVar("T")
Document = dict[str, Any]


class InMemoryDatabase:
    """Collections of documents, plus the outbox: every event committed, in order."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, Document]] = {}
        self.outbox: list[Envelope] = []

    def collection(self, name: str) -> dict[str, Document]:
        return self.collections.setdefault(name, {})

    def documents(self, kind: DocumentKind[T]) -> Documents[T]:
        return InMemoryDocuments(self, kind)

    @property
    def stores(self) -> StoreFactory:
        return self.documents

    def unit_of_work(self, source: str) -> Callable[..., FakeUnitOfWork]:
        def make(cause: Envelope | None = None) -> FakeUnitOfWork:
            return FakeUnitOfWork(self, source, cause)

        return make

    def snapshot(self) -> dict[str, dict[str, Document]]:
        # Documents are replaced whole, never changed in place: copying the dicts is enough.
        return {name: dict(documents) for name, documents in self.collections.items()}

    def restore(self, snapshot: dict[str, dict[str, Document]]) -> None:
        for name, documents in self.collections.items():
            documents.clear()
            documents.update(snapshot.get(name, {}))


class FakeUnitOfWork(CollectingUnitOfWork):
    """Atomic like a transaction: a write that fails undoes the ones before it."""

    def __init__(
        self, memory: InMemoryDatabase | None = None, source: str = "test", cause: Envelope | None = None
    ) -> None:
        super().__init__(source, cause)
        self.memory = memory if memory is not None else InMemoryDatabase()

    def _run(self, writes: list[StagedWrite], events: list[Envelope]) -> None:
        before = self.memory.snapshot()
        try:
            for write in writes:
                write(None)
        except BaseException:
            self.memory.restore(before)
            raise
        self.memory.outbox.extend(events)


class InMemoryDocuments(Generic[T]):
    def __init__(self, memory: InMemoryDatabase, kind: DocumentKind[T]) -> None:
        self.memory = memory
        self.kind = kind

    @property
    def _docs(self) -> dict[str, Document]:
        return self.memory.collection(self.kind.collection)

    def add(self, item: T, uow: UnitOfWork) -> None:
        document = self.kind.to_document(item)

        def write(_session: Any) -> None:
            if document["_id"] in self._docs:
                raise AlreadyExists(f"{self.kind.collection} {document['_id']} already exists")
            self._store(document)

        uow.stage(write)
        track(item, uow)

    def save(self, item: T, uow: UnitOfWork) -> None:
        expected, stored = next_version(item)
        document = self.kind.to_document(stored)

        def write(_session: Any) -> None:
            current = self._docs.get(document["_id"])
            if current is None or current.get("version") != expected:
                raise StaleWrite(STALE_MESSAGE)
            self._store(document)

        uow.stage(write)
        track(item, uow)

    def put(self, item: T, uow: UnitOfWork) -> None:
        document = self.kind.to_document(item)
        uow.stage(lambda _session: self._store(document))
        track(item, uow)

    def _store(self, document: Document) -> None:
        for index in self.kind.indexes:
            if index.unique and self._clashes(document, [name for name, _ in index.keys]):
                raise AlreadyExists(f"{self.kind.collection}: unique key already taken")
        self._docs[document["_id"]] = copy.deepcopy(document)

    def _clashes(self, document: Document, names: list[str]) -> bool:
        key = [_lookup(document, name) for name in names]
        return any(
            other_id != document["_id"] and [_lookup(other, name) for name in names] == key
            for other_id, other in self._docs.items()
        )

    def get(self, item_id: str) -> T | None:
        document = self._docs.get(item_id)
        return self.kind.from_document(copy.deepcopy(document)) if document else None

    def find(self, query: Query, sort: Sort | None = None, limit: int = 0, skip: int = 0) -> list[T]:
        found = self._matching(query, sort, 0)[skip:]
        return [self.kind.from_document(document) for document in (found[:limit] if limit else found)]

    def find_one(self, query: Query, sort: Sort | None = None) -> T | None:
        found = self.find(query, sort, limit=1)
        return found[0] if found else None

    def values(self, query: Query, names: Sequence[str]) -> list[dict[str, Any]]:
        return [
            {name: document[name] for name in names if name in document} for document in self._matching(query, None, 0)
        ]

    def count(self, query: Query) -> int:
        return len(self._matching(query, None, 0))

    def _matching(self, query: Query, sort: Sort | None, limit: int) -> list[Document]:
        found = [copy.deepcopy(d) for d in self._docs.values() if matches(d, query)]
        for name, direction in reversed(list(sort or [])):
            found.sort(key=_sort_key_of(name), reverse=direction < 0)
        return found[:limit] if limit else found


# -- the query language, as far as the repositories use it ---------------------------------
_MISSING = object()


def _lookup(document: Any, path: str) -> Any:
    value = document
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _sort_key(value: Any) -> tuple[int, Any]:
    # MongoDB sorts missing and null values before everything else.
    return (0, 0) if value is _MISSING or value is None else (1, value)


def _sort_key_of(path: str) -> Callable[[Document], tuple[int, Any]]:
    return lambda document: _sort_key(_lookup(document, path))


def matches(document: Document, query: Query) -> bool:
    for key, condition in query.items():
        if key == "$and":
            ok = all(matches(document, part) for part in condition)
        elif key == "$or":
            ok = any(matches(document, part) for part in condition)
        elif key.startswith("$"):
            raise ValueError(f"query operator {key} is not supported by the in-memory store")
        else:
            ok = _field_matches(_lookup(document, key), condition)
        if not ok:
            return False
    return True


def _field_matches(value: Any, condition: Any) -> bool:
    if isinstance(condition, Mapping) and condition and all(str(k).startswith("$") for k in condition):
        return all(_operator(value, op, operand) for op, operand in condition.items())
    return _any_element(value, lambda v: v == condition)


def _any_element(value: Any, test: Callable[[Any], bool]) -> bool:
    """A condition on an array field holds when the whole array or any element satisfies it."""
    if value is _MISSING:
        return test(None)
    if isinstance(value, list):
        return test(value) or any(test(item) for item in value)
    return test(value)


def _compare(value: Any, test: Callable[[Any], bool]) -> bool:
    """MongoDB compares only values of one type (no number is below null): others never match."""

    def safe(v: Any) -> bool:
        try:
            return v is not None and test(v)
        except TypeError:
            return False

    return value is not _MISSING and _any_element(value, safe)


def _operator(value: Any, op: str, operand: Any) -> bool:
    if op == "$eq":
        return _any_element(value, lambda v: v == operand)
    if op == "$ne":
        return not _any_element(value, lambda v: v == operand)
    if op == "$in":
        return _any_element(value, lambda v: v in operand)
    if op == "$nin":
        return not _any_element(value, lambda v: v in operand)
    if op == "$exists":
        return (value is not _MISSING) == bool(operand)
    if op == "$regex":
        pattern = re.compile(operand)
        return _compare(value, lambda v: isinstance(v, str) and pattern.search(v) is not None)
    comparisons: dict[str, Callable[[Any], bool]] = {
        "$gt": lambda v: v > operand,
        "$gte": lambda v: v >= operand,
        "$lt": lambda v: v < operand,
        "$lte": lambda v: v <= operand,
    }
    if op in comparisons:
        return _compare(value, comparisons[op])
    raise ValueError(f"query operator {op} is not supported by the in-memory store")
