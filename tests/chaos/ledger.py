"""What a fault run left behind, counted from the topics and the databases.

- produced: every record on the services' topics (distinct event ids; a record published twice,
  which a relay may do after a crash between publish and mark, is counted apart);
- consumed, per consumer group: the events of the types it consumes (their contracts' `consumers`)
  that carry its processed marker, which is written in the same transaction as the event's effects;
- lost: such events with no marker (and outbox records never published) — must be 0;
- duplicate effects: for each kind of record an event or a request creates, the documents that share
  its natural key (the same screening twice, two episodes for a client, …) — must be 0; e-mails are
  counted in the mail sink per notification id (the Message-ID carries it).
"""

from __future__ import annotations

import email
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from pymongo import MongoClient

from shared.config import SERVICES
from shared.consumer import PROCESSED
from shared.contracts import all_contracts
from shared.outbox import OUTBOX, PENDING
from shared.topics import dlq_topic, events_topic

# Each kind of record that must exist once: (database's service, collection, natural key fields, filter).
# The key is what makes two documents "the same effect twice", whatever their ids.
DUPLICATE_CHECKS: dict[str, tuple[str, str, tuple[str, ...], dict[str, Any]]] = {
    "clients": ("intake", "clients", ("name_key", "registration.date_of_birth", "program"), {}),
    "screenings": ("intake", "screenings", ("client_id", "instrument", "administered_at"), {}),
    "episodes": ("sessions", "episodes", ("client_id",), {}),
    "sessions": ("sessions", "sessions", ("episode_id", "number"), {}),
    "measures": ("outcomes", "measures", ("client_id", "instrument", "administered_at", "source"), {}),
    "courses": ("outcomes", "courses", ("client_id", "opened_at"), {}),
    "alerts": ("notifications", "alerts", ("flag_id",), {}),
    "notifications": (
        "notifications",
        "notifications",
        ("type", "channel", "recipient_id", "source_id", "send_at"),
        {},
    ),
    "reminders": (
        "notifications",
        "notifications",
        ("type", "channel", "source_id", "send_at"),
        {"type": {"$regex": "reminder"}},
    ),
}


@dataclass
class Ledger:
    produced: dict[str, int] = field(default_factory=dict)  # distinct events per topic
    published_twice: int = 0  # records on a topic beyond the first of their event id
    consumed: dict[str, int] = field(default_factory=dict)  # per consumer group
    expected: dict[str, int] = field(default_factory=dict)
    lost: dict[str, list[str]] = field(default_factory=dict)  # group -> event ids without a marker
    unpublished: dict[str, int] = field(default_factory=dict)  # outbox records still pending
    parked: dict[str, int] = field(default_factory=dict)  # dead letters per topic
    duplicates: dict[str, int] = field(default_factory=dict)  # check -> documents beyond the first
    duplicate_examples: dict[str, list[str]] = field(default_factory=dict)
    counter_mismatches: int = 0  # episodes whose attended count disagrees with their sessions
    emails: int = 0
    emails_twice: int = 0  # mail files beyond the first per notification id

    @property
    def total_produced(self) -> int:
        return sum(self.produced.values())

    @property
    def total_lost(self) -> int:
        return sum(len(ids) for ids in self.lost.values()) + sum(self.unpublished.values())

    @property
    def total_duplicates(self) -> int:
        return sum(self.duplicates.values()) + self.counter_mismatches + self.emails_twice

    def as_dict(self) -> dict[str, Any]:
        return {
            "produced": self.produced,
            "total_produced": self.total_produced,
            "published_twice": self.published_twice,
            "expected_by_group": self.expected,
            "consumed_by_group": self.consumed,
            "lost": {group: len(ids) for group, ids in self.lost.items()},
            "lost_examples": {group: ids[:5] for group, ids in self.lost.items() if ids},
            "unpublished": self.unpublished,
            "total_lost": self.total_lost,
            "parked": self.parked,
            "duplicate_effects": self.duplicates,
            "duplicate_examples": {k: v for k, v in self.duplicate_examples.items() if v},
            "attended_count_mismatches": self.counter_mismatches,
            "emails": self.emails,
            "emails_sent_twice": self.emails_twice,
            "total_duplicates": self.total_duplicates,
        }


def read_topic(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """Every record of `topic` from the beginning to its end now, decoded (id and type only)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        events: list[dict[str, Any]] = []
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=1000, max_records=2000).values():
                for record in records:
                    body = json.loads(record.value)
                    events.append({"id": body.get("id"), "type": body.get("type")})
        return events
    finally:
        consumer.close()


def consumers_by_type() -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for contract in all_contracts():
        kinds.setdefault(contract.type, set()).update(contract.consumers)
    return kinds


def count(bootstrap: str, mongo_uri: str, db_prefix: str, mail_dir: Path, group_prefix: str = "") -> Ledger:
    ledger = Ledger()
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    try:
        databases = {service: client[f"{db_prefix}_{service}"] for service in SERVICES}
        _count_events(ledger, bootstrap, databases, group_prefix)
        _count_duplicates(ledger, databases)
    finally:
        client.close()
    _count_emails(ledger, mail_dir)
    return ledger


def _count_events(ledger: Ledger, bootstrap: str, databases: dict[str, Any], group_prefix: str) -> None:
    consumers = consumers_by_type()
    expected: dict[str, set[str]] = {service: set() for service in SERVICES}
    for service in SERVICES:
        topic = events_topic(service)
        records = read_topic(bootstrap, topic)
        ids = Counter(record["id"] for record in records)
        ledger.produced[topic] = len(ids)
        ledger.published_twice += sum(n - 1 for n in ids.values())
        for record in records:
            for consumer in consumers.get(record["type"], ()):
                if consumer in expected:
                    expected[consumer].add(record["id"])
        ledger.parked[dlq_topic(topic)] = len(read_topic(bootstrap, dlq_topic(topic)))
        ledger.unpublished[service] = databases[service][OUTBOX].count_documents({"status": PENDING})
    for service, ids in expected.items():
        group = f"{group_prefix}{service}"
        marked = {m["event_id"] for m in databases[service][PROCESSED].find({"group": group}, {"event_id": 1})}
        ledger.expected[group] = len(ids)
        ledger.consumed[group] = len(ids & marked)
        ledger.lost[group] = sorted(ids - marked)


def _count_duplicates(ledger: Ledger, databases: dict[str, Any]) -> None:
    for check, (service, collection, key, where) in DUPLICATE_CHECKS.items():
        pipeline: list[dict[str, Any]] = [
            {"$match": where},
            {"$group": {"_id": {f"k{i}": f"${name}" for i, name in enumerate(key)}, "n": {"$sum": 1}}},
            {"$match": {"n": {"$gt": 1}}},
        ]
        groups = list(databases[service][collection].aggregate(pipeline))
        ledger.duplicates[check] = sum(group["n"] - 1 for group in groups)
        ledger.duplicate_examples[check] = [str(group["_id"]) for group in groups[:3]]
    ledger.counter_mismatches = _attended_mismatches(databases["sessions"])


def _attended_mismatches(db: Any) -> int:
    """Episodes whose attended count is not their attended sessions: an attendance applied twice."""
    attended = Counter(s["episode_id"] for s in db["sessions"].find({"status": "attended"}, {"episode_id": 1}))
    return sum(
        1
        for episode in db["episodes"].find({}, {"attended_sessions": 1})
        if episode.get("attended_sessions", 0) != attended.get(episode["_id"], 0)
    )


def _count_emails(ledger: Ledger, mail_dir: Path) -> None:
    per_id: Counter[str] = Counter()
    for folder in ("new", "cur"):
        for path in (mail_dir / folder).glob("*") if (mail_dir / folder).is_dir() else ():
            message = email.message_from_bytes(path.read_bytes())
            per_id[str(message.get("Message-ID", path.name))] += 1
    ledger.emails = sum(per_id.values())
    ledger.emails_twice = sum(n - 1 for n in per_id.values())
