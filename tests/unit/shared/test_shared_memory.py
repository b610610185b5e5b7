"""The in-memory store and unit of work behave as MongoDB does (the same checks run on the
real database in tests/integration/test_documents.py)."""

from __future__ import annotations

import pytest

from shared.errors import AlreadyExists
from shared.memory import InMemoryDatabase, matches
from tests.support.store_contract import CASES, CHECKS, check_commit_is_atomic_with_the_events


@pytest.fixture
def memory() -> InMemoryDatabase:
    return InMemoryDatabase()


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_in_memory_store_meets_the_store_contract(memory, check):
    check(memory.documents(CASES), memory.unit_of_work("test"))


def test_in_memory_commit_is_atomic_and_publishes_aggregate_events(memory):
    types = check_commit_is_atomic_with_the_events(memory.documents(CASES), memory.unit_of_work("test"))
    assert types == ["sessions.episode.opened"]
    assert [event.type for event in memory.outbox] == types


def test_a_failed_commit_leaves_earlier_writes_of_the_same_unit_undone(memory):
    store = memory.documents(CASES)
    from tests.support.store_contract import Case, commit

    commit(memory.unit_of_work("t"), lambda u: store.add(Case("x", "c1"), u))
    uow = memory.unit_of_work("t")()
    store.add(Case("y", "c2"), uow)
    store.add(Case("x", "c3"), uow)
    with pytest.raises(AlreadyExists):
        uow.commit()
    assert store.get("y") is None and memory.collection("cases").keys() == {"x"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"a.b": 1}, True),
        ({"a.b": 2}, False),
        ({"missing": None}, True),
        ({"missing": {"$exists": False}}, True),
        ({"tags": {"$nin": ["x"]}}, True),
        ({"tags": {"$nin": ["t1"]}}, False),
        ({"n": {"$gt": 3, "$lt": 5}}, True),
        ({"$and": [{"n": 4}, {"tags": "t2"}]}, True),
        ({"n": {"$lte": None}}, False),
    ],
)
def test_query_operators_follow_mongodb(query, expected):
    assert matches({"_id": "1", "a": {"b": 1}, "tags": ["t1", "t2"], "n": 4}, query) is expected


def test_an_unsupported_operator_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match=r"\$elemMatch"):
        matches({"tags": []}, {"tags": {"$elemMatch": {"x": 1}}})
