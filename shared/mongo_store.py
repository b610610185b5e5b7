"""The document store and unit of work on MongoDB: the running services' storage.

Writes staged by the repositories and the outbox records of the events they raised run in one
multi-document transaction. Driver errors are translated into the domain's own (`AlreadyExists`,
`StaleWrite`), so nothing above the adapters knows it is MongoDB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.documents import STALE_MESSAGE, DocumentKind, Documents, Query, Sort, StoreFactory, next_version, track
from shared.envelope import Envelope
from shared.errors import AlreadyExists, StaleWrite
from shared.outbox import OUTBOX, outbox_record
from shared.uow import CollectingUnitOfWork, StagedWrite, UnitOfWork

T = TypeVar("T")


@dataclass
class SharedTransaction:
    """One open transaction several units of work write into (a consumer's batch of events)."""

    session: ClientSession
    # Outbox records are numbered across the whole transaction: records written in the same
    # millisecond by different units of work still leave in the order they were written.
    outbox_written: int = 0
    # Set when a write failed: a handler may catch the error (a lost race it retries), but the
    # transaction may already be aborted or hold half a unit of work, so the batch must not commit.
    spoiled: bool = False


# The shared transaction of this thread, while a batch's handlers run: their reads see what the
# batch wrote so far (an event later in the batch finds what an earlier one created).
_shared: ContextVar[SharedTransaction | None] = ContextVar("shared_transaction", default=None)


@contextmanager
def reading_in(shared: SharedTransaction) -> Iterator[None]:
    """Reads by every `MongoDocuments` in this thread run in the shared transaction."""
    token = _shared.set(shared)
    try:
        yield
    finally:
        _shared.reset(token)


def _session() -> ClientSession | None:
    shared = _shared.get()
    return shared.session if shared is not None else None


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
            result = self.collection.replace_one(
                {"_id": document["_id"], "version": expected}, document, session=session
            )
            if result.matched_count != 1:
                raise StaleWrite(STALE_MESSAGE)

        uow.stage(write)
        track(item, uow)

    def put(self, item: T, uow: UnitOfWork) -> None:
        document = self.kind.to_document(item)

        def write(session: Any) -> None:
            self.collection.replace_one({"_id": document["_id"]}, document, upsert=True, session=session)

        uow.stage(write)
        track(item, uow)

    def get(self, item_id: str) -> T | None:
        document = self.collection.find_one({"_id": item_id}, session=_session())
        return self.kind.from_document(document) if document else None

    def find(self, query: Query, sort: Sort | None = None, limit: int = 0, skip: int = 0) -> list[T]:
        cursor = self.collection.find(dict(query), session=_session())
        if sort:
            cursor = cursor.sort(list(sort))
        return [self.kind.from_document(document) for document in cursor.skip(skip).limit(limit)]

    def find_one(self, query: Query, sort: Sort | None = None) -> T | None:
        found = self.find(query, sort, limit=1)
        return found[0] if found else None

    def values(self, query: Query, names: Sequence[str]) -> list[dict[str, Any]]:
        projection = {name: 1 for name in names} | ({} if "_id" in names else {"_id": 0})
        return list(self.collection.find(dict(query), projection, session=_session()))

    def count(self, query: Query) -> int:
        return self.collection.count_documents(dict(query), session=_session())


def ensure_indexes(db: Database[Any], kinds: Sequence[DocumentKind[Any]]) -> None:
    """Creates every index the kinds declare (idempotent: run by each worker at start)."""
    for kind in kinds:
        for index in kind.indexes:
            options: dict[str, Any] = {"unique": index.unique}
            if index.expire_after_seconds is not None:
                options["expireAfterSeconds"] = index.expire_after_seconds
            db[kind.collection].create_index(list(index.keys), **options)


class MongoUnitOfWork(CollectingUnitOfWork):
    """Runs the staged writes and the outbox insert in one MongoDB transaction.

    `with_transaction` may run them again after a transient error, so nothing in a staged
    write may depend on having run before.

    Given a `shared` transaction (a consumer batch's), commit writes into it at once and leaves
    committing it to whoever opened it.
    """

    def __init__(
        self, db: Database[Any], source: str, cause: Envelope | None = None, shared: SharedTransaction | None = None
    ) -> None:
        super().__init__(source, cause)
        self.db = db
        self.shared = shared

    def _run(self, writes: list[StagedWrite], events: list[Envelope]) -> None:
        first = self.shared.outbox_written if self.shared is not None else 0
        records = [outbox_record(event, first + seq) for seq, event in enumerate(events)]

        def apply(session: ClientSession) -> None:
            for write in writes:
                write(session)
            if records:
                self.db[OUTBOX].insert_many([dict(record) for record in records], session=session)

        if self.shared is not None:
            # Any error aborts the whole batch; its opener handles the events one by one instead.
            try:
                apply(self.shared.session)
            except BaseException:
                self.shared.spoiled = True
                raise
            self.shared.outbox_written += len(records)
            return
        try:
            with self.db.client.start_session() as session:
                session.with_transaction(apply)
        except DuplicateKeyError as error:
            raise AlreadyExists("a record with this identity is already stored") from error


def mongo_unit_of_work(db: Database[Any], source: str) -> Callable[..., MongoUnitOfWork]:
    """The factory a composition root hands its handlers: `uow()` or `uow(cause=event)`."""

    def make(cause: Envelope | None = None) -> MongoUnitOfWork:
        return MongoUnitOfWork(db, source, cause)

    return make
