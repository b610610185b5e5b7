"""One behaviour, two stores: the same checks run on MongoDB (integration) and in memory (unit).

A fake that drifts from the real store would let handler tests pass on behaviour production
does not have; running one suite on both keeps them the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from shared.documents import DocumentKind, Documents, Index
from shared.domain import Aggregate, DomainEvent
from shared.errors import AlreadyExists, StaleWrite
from shared.uow import UnitOfWork

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class CaseNoted(DomainEvent):
    TYPE = "sessions.episode.opened"  # any registered contract with these fields will do
    episode_id: str
    client_id: str
    status: str
    program: str
    opened_at: datetime


@dataclass
class Case(Aggregate):
    id: str
    owner: str
    tags: list[str] = field(default_factory=list)
    opened_at: datetime = T0
    status: str = "open"
    version: int = 0

    def note(self) -> None:
        self.raise_event(
            CaseNoted(
                episode_id=self.id,
                client_id=self.owner,
                status="pending",
                program="mental_health",
                opened_at=self.opened_at,
            )
        )


CASES = DocumentKind(
    "cases",
    Case,
    indexes=(Index.on("owner", "status", unique=True),),
    index_keys=lambda case: {"tag_count": len(case.tags)},
)

StoreMaker = Callable[[DocumentKind[Case]], Documents[Case]]
UowMaker = Callable[[], UnitOfWork]


def commit(uow_maker: UowMaker, *writes: Callable[[UnitOfWork], None]) -> UnitOfWork:
    uow = uow_maker()
    for write in writes:
        write(uow)
    uow.commit()
    return uow


def check_round_trip_and_queries(store: Documents[Case], uow: UowMaker) -> None:
    cases = [
        Case("a", "c1", ["grief", "sleep"], T0),
        Case("b", "c1", [], T0 + timedelta(hours=1), "closed"),
        Case("c", "c2", ["grief"], T0 + timedelta(hours=2)),
    ]
    commit(uow, *[(lambda u, case=case: store.add(case, u)) for case in cases])
    assert store.get("a") == cases[0] and store.get("zzz") is None
    assert [c.id for c in store.find({"owner": "c1"}, sort=[("opened_at", -1)])] == ["b", "a"]
    assert [c.id for c in store.find({"tags": "grief"}, sort=[("opened_at", 1)])] == ["a", "c"]
    assert [c.id for c in store.find({"tags": {"$regex": "^sl"}})] == ["a"]
    assert [
        c.id for c in store.find({"status": {"$ne": "closed"}, "opened_at": {"$lte": T0 + timedelta(hours=1)}})
    ] == ["a"]
    assert [
        c.id for c in store.find({"$or": [{"_id": "c"}, {"status": {"$in": ["closed"]}}]}, sort=[("opened_at", 1)])
    ] == ["b", "c"]
    assert [c.id for c in store.find({"tag_count": {"$gte": 1}}, sort=[("opened_at", 1)], limit=1)] == ["a"]
    assert [c.id for c in store.find({}, sort=[("opened_at", 1)], limit=1, skip=1)] == ["b"]
    assert [c.id for c in store.find({}, sort=[("opened_at", 1)], skip=2)] == ["c"]
    assert store.find({}, sort=[("opened_at", 1)], skip=3) == []
    assert store.count({"owner": "c1"}) == 2
    assert sorted(row["owner"] for row in store.values({"tags": "grief"}, ("owner",))) == ["c1", "c2"]


def check_optimistic_concurrency(store: Documents[Case], uow: UowMaker) -> None:
    commit(uow, lambda u: store.add(Case("a", "c1"), u))
    first, second = store.get("a"), store.get("a")
    assert first is not None and second is not None
    first.tags.append("mine")
    commit(uow, lambda u: store.save(first, u))
    second.tags.append("theirs")
    with pytest.raises(StaleWrite):
        commit(uow, lambda u: store.save(second, u))
    stored = store.get("a")
    assert stored is not None and stored.tags == ["mine"] and stored.version == 1


def check_identity_and_unique_keys(store: Documents[Case], uow: UowMaker) -> None:
    commit(uow, lambda u: store.add(Case("a", "c1"), u))
    with pytest.raises(AlreadyExists):
        commit(uow, lambda u: store.add(Case("a", "c9"), u))
    with pytest.raises(AlreadyExists):
        commit(uow, lambda u: store.add(Case("b", "c1"), u))  # same (owner, status)
    commit(uow, lambda u: store.put(Case("a", "c1", ["again"]), u))  # a projection upserts
    stored = store.get("a")
    assert stored is not None and stored.tags == ["again"] and store.count({}) == 1


def check_commit_is_atomic_with_the_events(store: Documents[Case], uow: UowMaker) -> list[str]:
    """A failing write undoes the writes before it and publishes nothing; returns the types of
    the events a successful commit published."""
    commit(uow, lambda u: store.add(Case("taken", "c1"), u))
    fresh = Case("new", "c2")
    fresh.note()
    with pytest.raises(AlreadyExists):
        commit(uow, lambda u: store.add(fresh, u), lambda u: store.add(Case("taken", "c3"), u))
    assert store.get("new") is None
    assert fresh.pending_events, "a refused change keeps its events for a retry"
    published = commit(uow, lambda u: store.add(fresh, u))
    assert fresh.pending_events == []
    return [event.type for event in published.events]


CHECKS = (check_round_trip_and_queries, check_optimistic_concurrency, check_identity_and_unique_keys)
