"""The outbox on the real database and broker: nothing lost, nothing from a rolled-back change."""

from __future__ import annotations

import json
import uuid

import pytest

from shared.envelope import parse_envelope
from shared.errors import AlreadyExists
from shared.kafka import make_producer
from shared.mongo_store import MongoUnitOfWork
from shared.outbox import OUTBOX, PENDING, OutboxRelay, ensure_outbox_indexes
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all


def registered(client_id: str) -> dict:
    return {
        "client_id": client_id,
        "given_name": "Test",
        "family_name": "Person",
        "date_of_birth": "1990-01-01",
        "program": "mental_health",
        "contact": {"email": "t@example.org", "phone": None},
        "preferred_channel": "email",
        "registered_at": "2026-11-26T09:00:00+00:00",
        "registered_by": "staff",
    }


def write_events(db, count: int, client_id: str) -> list[str]:
    ids = []
    for _ in range(count):
        uow = MongoUnitOfWork(db, "intake")
        ids.append(uow.publish("intake.client.registered", 1, client_id, registered(client_id)).id)
        uow.commit()
    return ids


def relay_for(db, infra, topic: str | None = None) -> OutboxRelay:
    ensure_outbox_indexes(db)
    relay = OutboxRelay(db, lambda: make_producer(infra.kafka_bootstrap, "test-relay"), "intake", send_timeout=10)
    if topic:  # route this test's records to a private topic
        db[OUTBOX].update_many({}, {"$set": {"topic": topic}})
    return relay


def published_ids(infra, topic: str, expect: int) -> list[str]:
    return [parse_envelope(r.value).id for r in read_all(infra.kafka_bootstrap, topic, expect)]


def test_state_change_and_event_commit_together(db):
    uow = MongoUnitOfWork(db, "intake")
    uow.stage(lambda s: db.things.insert_one({"_id": "a"}, session=s))
    event = uow.publish("intake.client.registered", 1, "c1", registered("c1"))
    uow.commit()
    assert db.things.count_documents({}) == 1
    record = db[OUTBOX].find_one({"_id": event.id})
    assert record["status"] == PENDING and record["key"] == "c1"


def test_rolled_back_change_leaves_no_event(db):
    db.things.insert_one({"_id": "taken"})
    uow = MongoUnitOfWork(db, "intake")
    uow.stage(lambda s: db.things.insert_one({"_id": "taken"}, session=s))
    uow.publish("intake.client.registered", 1, "c1", registered("c1"))
    with pytest.raises(AlreadyExists):
        uow.commit()
    assert db[OUTBOX].count_documents({}) == 0


def test_relay_publishes_in_order_with_key_and_headers(db, infra, private_topic_name):
    client_id = str(uuid.uuid4())
    ids = write_events(db, 5, client_id)
    relay = relay_for(db, infra, private_topic_name)
    assert relay.publish_pending() == 5
    records = read_all(infra.kafka_bootstrap, private_topic_name, 5)
    assert [parse_envelope(r.value).id for r in records] == ids
    assert {r.key for r in records} == {client_id.encode()}
    assert dict(records[0].headers)["ce_type"] == b"intake.client.registered"
    assert db[OUTBOX].count_documents({"status": PENDING}) == 0
    relay.reset_producer()


def test_events_written_while_kafka_is_down_are_published_after(db, infra, private_topic_name):
    relay = relay_for(db, infra)
    infra.kafka.stop()
    try:
        ids = write_events(db, 4, "c-outage")
        db[OUTBOX].update_many({}, {"$set": {"topic": private_topic_name}})
        with pytest.raises(Exception):  # noqa: B017 - any failure to reach the broker will do
            relay.publish_pending()
        relay.reset_producer()
        assert db[OUTBOX].count_documents({"status": PENDING}) == 4
    finally:
        infra.restart_kafka()
    wait_for(lambda: _drained(relay, db), 60, "the relay to drain the outbox")
    assert sorted(published_ids(infra, private_topic_name, 4)) == sorted(ids)
    relay.reset_producer()


def _drained(relay: OutboxRelay, db) -> bool:
    try:
        relay.publish_pending()
    except Exception:  # noqa: BLE001 - the broker may still be electing; poll again
        relay.reset_producer()
    return db[OUTBOX].count_documents({"status": PENDING}) == 0


def test_outbox_record_value_is_the_envelope(db):
    ids = write_events(db, 1, "c2")
    body = json.loads(bytes(db[OUTBOX].find_one({"_id": ids[0]})["value"]))
    assert body["id"] == ids[0] and body["subject"] == "c2" and body["source"] == "intake"


def _metric(name: str, **labels: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_relay_reports_its_oldest_wait_and_counts_clinical_activity(db, infra, private_topic_name):
    from datetime import timedelta

    from shared.envelope import utcnow

    registrations = {"service": "intake", "program": "mental_health"}
    before = _metric("clinical_registrations_total", **registrations)
    write_events(db, 2, "c-age")
    relay = relay_for(db, infra, private_topic_name)
    db[OUTBOX].update_many({}, {"$set": {"created_at": utcnow() - timedelta(seconds=90)}})

    assert relay.publish_pending() == 2
    assert 90 <= _metric("outbox_oldest_pending_age_seconds", service="intake") < 120
    assert _metric("clinical_registrations_total", **registrations) - before == 2

    assert relay.publish_pending() == 0
    assert _metric("outbox_oldest_pending_age_seconds", service="intake") == 0
    relay.reset_producer()
