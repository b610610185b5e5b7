"""Transactional outbox: records written with the state change, published later by the relay."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pymongo import ASCENDING
from pymongo.database import Database

from shared.activity import count_published, counts
from shared.contracts import topic_for_type
from shared.envelope import Envelope, utcnow
from shared.lease import LEASES, DatabaseLease, LeaseKeeper, LeaseTerms
from shared.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, PUBLISH_FAILURES
from shared.outbox_wakeup import InsertWakeup
from shared.retry import Backoff, Stopped, retry

if TYPE_CHECKING:
    from kafka import KafkaProducer

    from shared.kafka import SendFuture

OUTBOX = "outbox"
PENDING, SENT = "pending", "sent"
SENT_RETENTION = timedelta(days=7)
RELAY_LEASE = "outbox-relay"
# How often a relay without the lease checks (in memory) whether its keeper has taken it.
LEASE_IDLE_CHECK_SECONDS = 0.2
BACKLOG_COUNT_SECONDS = 10.0

log = logging.getLogger(__name__)


def outbox_record(event: Envelope, seq: int, topic: str | None = None) -> dict[str, Any]:
    """The record the relay publishes: on `topic`, else on the topic of the event's type."""
    return {
        "_id": event.id,
        "topic": topic or topic_for_type(event.type),
        "key": event.subject,
        "value": event.to_bytes(),
        "headers": [[name, value] for name, value in event.kafka_headers()],
        "type": event.type,
        "created_at": utcnow(),
        "seq": seq,
        "status": PENDING,
        "attempts": 0,
    }


def outbox_write(db: Database[Any]) -> Callable[[Envelope, str], Callable[[Any], None]]:
    """Writes of one event's outbox record on a given topic, for a unit of work to stage: run in
    its transaction (the session it passes), so the record lands with the change or not at all."""

    def write_on(event: Envelope, topic: str) -> Callable[[Any], None]:
        record = outbox_record(event, 0, topic)

        def write(session: Any) -> None:
            db[OUTBOX].insert_one(dict(record), session=session)

        return write

    return write_on


def ensure_outbox_indexes(db: Database[Any]) -> None:
    db[OUTBOX].create_index([("status", ASCENDING), ("created_at", ASCENDING), ("seq", ASCENDING)])
    db[OUTBOX].create_index("sent_at", expireAfterSeconds=int(SENT_RETENTION.total_seconds()))


def pending_count(db: Database[Any]) -> int:
    return db[OUTBOX].count_documents({"status": PENDING})


def oldest_age_seconds(records: Sequence[dict[str, Any]]) -> float:
    """How long the first of `records` (the oldest pending, as the relay sorts them) has waited."""
    if not records:
        return 0.0
    created: datetime = records[0]["created_at"]
    if created.tzinfo is None:  # a client without tz_aware hands back naive UTC
        created = created.replace(tzinfo=UTC)
    return max((utcnow() - created).total_seconds(), 0.0)


def _event_data(record: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(bytes(record["value"])).get("data")
    except (ValueError, AttributeError):
        return {}
    return data if isinstance(data, dict) else {}


class OutboxRelay:
    """Publishes pending records in order (acks=all, idempotent producer), then marks them sent.

    A record is marked only after the broker acknowledged it, so a crash or an outage can
    publish a record twice but never lose one; consumers deduplicate by event id.

    With a `lease`, only the relay holding it publishes: two workers of a service never
    publish side by side, so one client's events keep their order. Without one (a single
    relay, as in tests and benchmarks) it publishes whenever asked.
    """

    def __init__(
        self,
        db: Database[Any],
        producer_factory: Callable[[], KafkaProducer],
        service: str,
        batch_size: int = 500,
        send_timeout: float = 30.0,
        lease: LeaseKeeper | None = None,
    ) -> None:
        self.db = db
        self.producer_factory = producer_factory
        self.service = service
        self.batch_size = batch_size
        self.send_timeout = send_timeout
        self.lease = lease
        self.wakeup = InsertWakeup(db[OUTBOX])
        self._producer: KafkaProducer | None = None
        self._counted_at, self._last_count = float("-inf"), 0

    def publish_pending(self) -> int:
        """One pass: publish up to a batch; returns how many were published (0 without the lease)."""
        if not self._may_publish():
            return 0
        records = list(
            self.db[OUTBOX]
            .find({"status": PENDING})
            .sort([("created_at", ASCENDING), ("seq", ASCENDING)])
            .limit(self.batch_size)
        )
        OUTBOX_BACKLOG.labels(self.service).set(self._backlog(records))
        OUTBOX_OLDEST_AGE.labels(self.service).set(oldest_age_seconds(records))
        if not records:
            return 0
        producer = self._get_producer()
        futures = [
            (
                record,
                producer.send(
                    record["topic"],
                    key=record["key"].encode(),
                    value=bytes(record["value"]),
                    headers=[(name, bytes(value)) for name, value in record["headers"]],
                ),
            )
            for record in records
        ]
        producer.flush(timeout=self.send_timeout)
        sent_ids = self._acknowledged(futures)
        if sent_ids:
            now = utcnow()
            self.db[OUTBOX].update_many({"_id": {"$in": sent_ids}}, {"$set": {"status": SENT, "sent_at": now}})
            self._last_count = max(self._last_count - len(sent_ids), 0)
        if len(sent_ids) < len(records):
            raise PublishFailed(f"{len(records) - len(sent_ids)} outbox records not acknowledged")
        return len(sent_ids)

    def _backlog(self, records: Sequence[dict[str, Any]]) -> int:
        """Pending records: a batch that is not full is all there is; counting them all (a scan
        of the backlog, dearer than a pass on a long one) is done at most every 10 s: a scrape
        comes every 15 s, and the backlog alerts look at minutes."""
        if len(records) < self.batch_size:
            return len(records)
        now = time.monotonic()
        if now - self._counted_at >= BACKLOG_COUNT_SECONDS:
            self._counted_at, self._last_count = now, pending_count(self.db)
        return max(self._last_count, len(records))

    def _acknowledged(self, futures: Sequence[tuple[dict[str, Any], SendFuture]]) -> list[str]:
        """The leading run of acknowledged records. Everything after the first failure stays
        pending and is sent again after it, so no event overtakes an earlier one for good;
        a record that did get through is then a duplicate, which consumers skip."""
        sent: list[str] = []
        for record, future in futures:
            try:
                future.get(timeout=self.send_timeout)
            except Exception as error:  # noqa: BLE001 - every failure means "not sent yet"
                PUBLISH_FAILURES.labels(self.service, record["type"]).inc()
                log.warning(
                    "outbox publish failed",
                    extra={"event_id": record["_id"], "event_type": record["type"], "error": error.__class__.__name__},
                )
                self.db[OUTBOX].update_one({"_id": record["_id"]}, {"$inc": {"attempts": 1}})
                break
            EVENTS_PUBLISHED.labels(self.service, record["type"]).inc()
            if counts(record["type"]):
                count_published(self.service, record["type"], _event_data(record))
            sent.append(record["_id"])
        return sent

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = self.producer_factory()
        return self._producer

    def reset_producer(self) -> None:
        """Drop the producer after an outage so the next pass reconnects from scratch."""
        if self._producer is not None:
            # Closing a broken producer may itself fail; it is dropped either way.
            with contextlib.suppress(Exception):
                self._producer.close(timeout=1)
        self._producer = None

    def run(self, stop: threading.Event, fallback_seconds: float = 1.0, max_backoff: float = 10.0) -> None:
        """Publishes until `stop`: woken by the change stream as records are committed, and by
        a timer every `fallback_seconds` when no stream is open or an insert went unseen."""

        def failed(error: BaseException, _attempt: int, delay: float) -> None:
            log.warning(
                "outbox relay pass failed; retrying", extra={"error": error.__class__.__name__, "retry_in": delay}
            )
            self.reset_producer()

        keeper_stop = threading.Event()
        keeper = self._start_keeper(keeper_stop)
        try:
            while not stop.is_set():
                if not self._may_publish():
                    # Another relay publishes: no stream needed until the lease comes to us.
                    self.wakeup.close()
                    stop.wait(LEASE_IDLE_CHECK_SECONDS)
                    continue
                # Armed before the pass: a record committed during the pass wakes the next one.
                self.wakeup.arm()
                # The relay must outlive any outage: every failure is retried with backoff.
                published = retry(
                    self.publish_pending,
                    backoff=Backoff(min(fallback_seconds, 0.2), max_backoff),
                    stop=stop,
                    on_failure=failed,
                )
                # After a pass that published, more may be waiting: drain before sleeping.
                if not published:
                    self.wakeup.wait(fallback_seconds, stop)
        except Stopped:
            pass
        finally:
            self.wakeup.close()
            self.reset_producer()
            if keeper is not None:  # last: the lease is released after the last pass
                keeper_stop.set()
                keeper.join(timeout=10)

    def _start_keeper(self, stop: threading.Event) -> threading.Thread | None:
        if self.lease is None:
            return None
        thread = threading.Thread(target=self.lease.run, args=(stop,), name="outbox-relay-lease", daemon=True)
        thread.start()
        return thread

    def _may_publish(self) -> bool:
        return self.lease is None or self.lease.held()


def relay_lease(db: Database[Any], holder: str, terms: LeaseTerms | None = None) -> LeaseKeeper:
    """The lease that lets one of a service's relays publish (the service's own database)."""
    return LeaseKeeper(DatabaseLease(db[LEASES], RELAY_LEASE, holder, terms or LeaseTerms()), utcnow)


class PublishFailed(RuntimeError):
    pass
