"""On the real database and broker: a request's audit record is stored and, through the outbox and
the relay, arrives on the audit topic keyed by the record id."""

from __future__ import annotations

import uuid

from services.sessions import bootstrap
from shared.audit import AUDIT
from shared.auth import issue_token
from shared.config import Settings
from shared.db import mongo_client
from shared.envelope import parse_envelope
from shared.kafka import make_producer
from shared.outbox import OUTBOX, SENT, OutboxRelay, ensure_outbox_indexes
from tests.support.kafka_tools import read_all

SECRET = "integration-secret-that-is-long-enough-for-hs256"


def test_a_requests_audit_record_reaches_the_audit_topic(infra, private_topic_name):
    prefix = f"it_{uuid.uuid4().hex[:10]}"
    env = {
        "IPT_JWT_SECRET": SECRET,
        "MONGO_URI": infra.mongo_uri,
        "MONGO_DB_PREFIX": prefix,
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "AUDIT_TOPIC": private_topic_name,  # a topic of this test's own
    }
    settings = Settings.from_env("sessions", env=env)
    client = mongo_client(infra.mongo_uri)
    db = client[settings.database]
    try:
        app = bootstrap.create_app(settings, deps=bootstrap.real_dependencies(db))
        token = issue_token(SECRET, "admin-it", "admin")
        answer = app.test_client().get(
            "/api/v1/audit", query_string={"client_id": "c-it"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200
        [stored] = list(db[AUDIT.collection].find())
        [pending] = list(db[OUTBOX].find())
        assert (pending["topic"], pending["key"]) == (private_topic_name, stored["_id"])

        ensure_outbox_indexes(db)
        relay = OutboxRelay(db, lambda: make_producer(infra.kafka_bootstrap, "audit-relay"), "sessions")
        try:
            assert relay.publish_pending() == 1
        finally:
            relay.reset_producer()
        [message] = read_all(infra.kafka_bootstrap, private_topic_name, 1)
        event = parse_envelope(message.value)
        assert message.key == stored["_id"].encode()
        assert dict(message.headers)["ce_type"] == b"audit.access.recorded"
        assert (event.type, event.source, event.subject) == ("audit.access.recorded", "sessions", stored["_id"])
        assert event.data["actor"] == "admin-it" and event.data["action"] == "GET audit.AuditLog"
        assert db[OUTBOX].find_one({"_id": pending["_id"]})["status"] == SENT
    finally:
        client.drop_database(settings.database)
