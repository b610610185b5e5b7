"""A search for clients' health-record identifiers where none may be: process logs, metric label
values, Kafka message keys and headers.

Pure functions over text (`find_in_lines`, `find_in_metrics`, `find_in_kafka_record`), so a unit test
can plant a leak and see it found, plus the collectors that read a running stack's intake database,
log files, `/metrics` pages, Prometheus and Kafka topics. A hit names where it was found and the kind
of identifier, and shows the value only masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from shared.staff_ui.wording import fmt_date

MIN_NAME_LETTERS = 4  # shorter names match too many ordinary words


@dataclass(frozen=True)
class Needle:
    kind: str  # "given name", "family name", "date of birth", "e-mail", "phone"
    value: str
    pattern: re.Pattern[str]

    def masked(self) -> str:
        return mask(self.value)


@dataclass(frozen=True)
class Hit:
    where: str  # file:line, metric{label}, topic:partition:offset key/header
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} {self.masked}"


def mask(value: str) -> str:
    """Enough to tell which value it was, never the value itself."""
    shown = value[:2] if len(value) > 4 else value[:1]
    return f"{shown}…({len(value)} chars)"


def _word(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)


def _digits(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\d){re.escape(text)}(?!\d)")


def needles_for(client: dict[str, Any]) -> list[Needle]:
    """What identifies one client (an intake `clients` document, or its `registration`)."""
    registration = client.get("registration", client)
    found: list[Needle] = []
    for field, kind in (("given_name", "given name"), ("family_name", "family name")):
        for part in re.split(r"[\s\-']+", str(registration.get(field) or "")):
            if sum(ch.isalpha() for ch in part) >= MIN_NAME_LETTERS:
                found.append(Needle(kind, part, _word(part)))
    born = _as_date(registration.get("date_of_birth"))
    if born is not None:
        for shown in dict.fromkeys((born.isoformat(), fmt_date(born), born.strftime("%d %b %Y"))):
            found.append(Needle("date of birth", shown, _word(shown)))
    contact = registration.get("contact") or {}
    if contact.get("email"):
        found.append(Needle("e-mail", contact["email"], _word(contact["email"])))
    phone = str(contact.get("phone") or "")
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        found.append(Needle("phone", phone, _digits(digits)))
        if phone != digits:
            found.append(Needle("phone", phone, re.compile(re.escape(phone))))
    return found


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def find_in_text(text: str, needles: Iterable[Needle], where: str) -> list[Hit]:
    return [Hit(where, needle.kind, needle.masked()) for needle in needles if needle.pattern.search(text)]


def find_in_lines(lines: Iterable[str], needles: list[Needle], source: str) -> list[Hit]:
    """Every line of a log that holds a client's identifier, as `source:line`."""
    return [
        hit for number, line in enumerate(lines, start=1) for hit in find_in_text(line, needles, f"{source}:{number}")
    ]


def find_in_metrics(exposition: str, needles: list[Needle], source: str) -> list[Hit]:
    """Every label value of a Prometheus text exposition that holds a client's identifier."""
    hits: list[Hit] = []
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            for label, value in sample.labels.items():
                hits += find_in_text(value, needles, f"{source} {sample.name}{{{label}}}")
    return hits


def find_in_label_values(values: dict[str, list[str]], needles: list[Needle], source: str) -> list[Hit]:
    """Prometheus' own view: every value of every label it has stored."""
    return [
        hit
        for label, found in values.items()
        for value in found
        for hit in find_in_text(value, needles, f"{source} label {label}")
    ]


def find_in_kafka_record(record: Any, needles: list[Needle]) -> list[Hit]:
    """A consumed record's key and headers (its value legitimately carries names in intake's events)."""
    where = f"{record.topic}:{record.partition}:{record.offset}"
    hits = find_in_text(_text(record.key), needles, f"{where} key")
    for name, value in record.headers or []:
        hits += find_in_text(f"{name}={_text(value)}", needles, f"{where} header {name}")
    return hits


def _text(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw


# -- collectors: a running stack ----------------------------------------------------------------------
def log_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        yield from handle


def scan_logs(files: Iterable[Path], needles: list[Needle]) -> list[Hit]:
    return [hit for path in files for hit in find_in_lines(log_lines(path), needles, str(path))]


def scan_kafka(bootstrap: str, needles: list[Needle], idle_ms: int = 2000) -> tuple[list[Hit], int]:
    """Every record of every topic on the broker, from the beginning; (hits, records read)."""
    from kafka import KafkaConsumer
    from kafka.structs import TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        allow_auto_create_topics=False,
        consumer_timeout_ms=idle_ms,
    )
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in sorted(consumer.topics())
            if not topic.startswith("__")  # the broker's own offsets and transactions
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return [], 0
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        hits: list[Hit] = []
        read = 0
        while remaining:
            batches = consumer.poll(timeout_ms=idle_ms, max_records=2000)
            if not batches:
                break
            for tp, records in batches.items():
                for record in records:
                    read += 1
                    hits += find_in_kafka_record(record, needles)
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return hits, read
    finally:
        consumer.close()
