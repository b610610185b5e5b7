"""The document store on the real database, and a domain event's way from an aggregate to Kafka."""

from __future__ import annotations

import pytest

from shared.envelope import parse_envelope
from shared.kafka import make_producer
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.outbox import OUTBOX, OutboxRelay, ensure_outbox_indexes
from tests.support.kafka_tools import read_all
from tests.support.store_contract import CASES, CHECKS, Case, check_commit_is_atomic_with_the_events, commit


@pytest.fixture
def store(db):
    ensure_indexes(db, [CASES])
    return MongoDocuments(db, CASES)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_mongodb_store_meets_the_store_contract(db, store, check):
    check(store, mongo_unit_of_work(db, "test"))


def test_mongodb_commit_is_atomic_with_the_events(db, store):
    types = check_commit_is_atomic_with_the_events(store, mongo_unit_of_work(db, "test"))
    assert types == ["sessions.episode.opened"]
    assert [record["type"] for record in db[OUTBOX].find()] == types


def test_an_event_raised_in_an_aggregate_reaches_kafka(db, store, infra, private_topic_name):
    case = Case("case-1", "client-42")
    case.note()  # raised in the domain; nobody publishes it by hand
    commit(mongo_unit_of_work(db, "sessions"), lambda uow: store.add(case, uow))
    ensure_outbox_indexes(db)
    db[OUTBOX].update_many({}, {"$set": {"topic": private_topic_name}})  # this test's own topic
    relay = OutboxRelay(db, lambda: make_producer(infra.kafka_bootstrap, "test-relay"), "sessions", send_timeout=10)
    assert relay.publish_pending() == 1
    [record] = read_all(infra.kafka_bootstrap, private_topic_name, expect=1)
    event = parse_envelope(record.value)
    assert record.key == b"client-42" and event.subject == "client-42"
    assert (event.type, event.source, event.data["episode_id"]) == ("sessions.episode.opened", "sessions", "case-1")
