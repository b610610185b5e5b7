"""Audit records published on the audit topic: through the outbox, in the same unit of work as the
record is stored, carrying identifiers only, keyed by the record id; AUDIT_TOPIC names the topic or,
empty, turns publication off."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime

import pytest

from shared import audit as audit_module
from shared.audit import AUDIT, AuditPublication, AuditTrail, audit_event, new_record
from shared.audit_api import AUDIT_KEY
from shared.contracts import audit as audit_contract
from shared.contracts import contract_for
from shared.contracts.audit import ACCESS_RECORDED
from shared.envelope import Envelope
from shared.errors import AlreadyExists
from shared.memory import InMemoryDatabase
from shared.outbox import OUTBOX, PENDING, outbox_write
from shared.topics import AUDIT_TOPIC, TOPICS, declared_topics, dlq_topic
from tests.unit.shared.conftest import make_app, make_settings

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CLIENT = "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77"


def a_record(**changes):
    base = dict(service="intake", actor="dr-a", role="clinician", action="GET clients.ClientById")
    base |= dict(address="10.0.0.7", status=200, clients=(CLIENT,), at=T0, correlation_id="corr-1")
    return new_record(**base | changes)


def memory_trail(memory: InMemoryDatabase, topics: list[str]) -> AuditTrail:
    def write_on(event: Envelope, topic: str):
        def write(_session) -> None:
            topics.append(topic)
            memory.outbox.append(event)

        return write

    return AuditTrail(memory.stores, memory.unit_of_work("intake"), AuditPublication("audit.test", write_on))


def test_a_record_is_stored_and_its_event_written_to_the_outbox_together():
    memory, topics = InMemoryDatabase(), []
    record = a_record()
    memory_trail(memory, topics).append(record)
    assert list(memory.collection(AUDIT.collection)) == [record.id]
    [event] = memory.outbox
    assert topics == ["audit.test"]
    assert (event.type, event.version, event.subject, event.source) == (ACCESS_RECORDED, 1, record.id, "intake")
    assert event.correlation_id == "corr-1"
    assert event.data == {
        "record_id": record.id,
        "at": "2026-11-30T09:00:00+00:00",
        "service": "intake",
        "actor": "dr-a",
        "role": "clinician",
        "action": "GET clients.ClientById",
        "address": "10.0.0.7",
        "status": 200,
        "result": "ok",
        "client_id": CLIENT,
        "clients": [CLIENT],
        "correlation_id": "corr-1",
        "emergency_grant": None,
    }


def test_a_record_that_is_not_stored_is_not_published():
    memory, topics = InMemoryDatabase(), []
    trail = memory_trail(memory, topics)
    record = a_record()
    trail.append(record)
    with pytest.raises(AlreadyExists):
        trail.append(record)  # the same id again: the insert fails, so the outbox write never lands
    assert len(memory.outbox) == 1 and len(memory.collection(AUDIT.collection)) == 1


def test_a_record_whose_event_cannot_be_written_is_not_stored():
    memory = InMemoryDatabase()

    def failing(_event: Envelope, _topic: str):
        def write(_session) -> None:
            raise ConnectionError("outbox unreachable")

        return write

    trail = AuditTrail(memory.stores, memory.unit_of_work("intake"), AuditPublication("audit.test", failing))
    with pytest.raises(ConnectionError):
        trail.append(a_record())
    assert memory.collection(AUDIT.collection) == {} and memory.outbox == []


def test_without_a_publication_records_are_stored_only():
    memory = InMemoryDatabase()
    AuditTrail(memory.stores, memory.unit_of_work("intake")).append(a_record())
    assert len(memory.collection(AUDIT.collection)) == 1 and memory.outbox == []


class RecordingCollection:
    def __init__(self) -> None:
        self.inserted: list[tuple[dict, object]] = []

    def insert_one(self, document: dict, session: object = None) -> None:
        self.inserted.append((document, session))


def test_on_mongodb_the_outbox_record_is_inserted_in_the_units_session_on_the_set_topic():
    outbox = RecordingCollection()
    record = a_record()
    write = outbox_write({OUTBOX: outbox})(audit_event(record), "siem.audit")  # type: ignore[arg-type]
    assert outbox.inserted == []  # staged: nothing happens until the unit of work runs it
    write("the-session")
    [(document, session)] = outbox.inserted
    assert session == "the-session"
    assert (document["topic"], document["key"], document["status"]) == ("siem.audit", record.id, PENDING)
    assert dict(document["headers"])["ce_type"] == ACCESS_RECORDED.encode()


def test_the_event_holds_exactly_the_contracts_fields_all_of_them_identifiers():
    record = a_record(clients=(CLIENT, "c-2"))
    event = audit_event(record)
    schema_fields = set(contract_for(ACCESS_RECORDED, 1).schema().fields)
    assert set(event.data) == schema_fields
    # Every field of the record is carried (its id as record_id): nothing of a request is added.
    assert {f.name for f in fields(record)} - {"id"} <= schema_fields
    assert event.data["client_id"] is None and event.data["clients"] == [CLIENT, "c-2"]


def test_the_contract_knows_every_result_the_trail_records():
    assert set(audit_contract.RESULTS) == set(audit_module.RESULTS)


def test_an_intake_request_publishes_its_record_with_no_name_contact_or_birth_date(auth, registration):
    app = make_app("intake")
    deps = app.extensions["ipt.dependencies"]
    web = app.test_client()
    nurse = auth("intake", "nurse-7")
    body = registration(given_name="Quentin", family_name="Zebulon", date_of_birth="1970-01-02")
    client_id = web.post("/api/v1/clients", json=body, headers=nurse).get_json()["id"]
    web.get(f"/api/v1/clients/{client_id}", headers=nurse)
    published = [e for e in deps.memory.outbox if e.type == ACCESS_RECORDED]
    assert [(e.data["action"], e.data["client_id"]) for e in published] == [
        ("POST clients.Clients", client_id),
        ("GET clients.ClientById", client_id),
    ]
    stored, _ = app.extensions[AUDIT_KEY].find(audit_module.AuditQuery())
    assert {e.subject for e in published} == {r.id for r in stored}
    sent = json.dumps([e.to_dict() for e in published])
    for secret in ("Quentin", "Zebulon", "1970-01-02", "alex@example.org", "+15550100"):
        assert secret not in sent


def test_an_empty_audit_topic_turns_publication_off(auth):
    app = make_app("intake", AUDIT_TOPIC="")
    web = app.test_client()
    web.get("/api/v1/clients/c-1", headers=auth("admin", "admin-1"))
    records, _ = app.extensions[AUDIT_KEY].find(audit_module.AuditQuery())
    assert len(records) == 1
    assert not [e for e in app.extensions["ipt.dependencies"].memory.outbox if e.type == ACCESS_RECORDED]


def test_the_audit_topic_is_a_setting_declared_with_its_dead_letters():
    assert make_settings("intake").audit_topic == AUDIT_TOPIC == "audit.records"
    assert make_settings("intake", AUDIT_TOPIC=" ").audit_topic == ""
    assert contract_for(ACCESS_RECORDED, 1).topic == AUDIT_TOPIC
    names = {spec.name for spec in TOPICS}
    assert {AUDIT_TOPIC, dlq_topic(AUDIT_TOPIC)} <= names
    assert declared_topics("") == declared_topics(AUDIT_TOPIC) == TOPICS
    added = {spec.name for spec in declared_topics("siem.audit")} - names
    assert added == {"siem.audit", "siem.audit.dlq"}
