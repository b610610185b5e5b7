"""Consumer runner: handle, record, commit — each event has one effect, however often it arrives.

A polled batch is handled in one database transaction: every event's effects, outbox records and
processed marker, then one offset commit. If anything in the batch fails, the transaction is
aborted (nothing of it stays) and the same records are handled one by one, each in its own
transaction, so a poison event is parked alone and the rest still take effect.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata, TopicPartition
from marshmallow import ValidationError
from pymongo.database import Database

from shared import context
from shared.contracts import UnknownEvent, read_incoming
from shared.db import is_transient
from shared.envelope import Envelope, MalformedEnvelope, parse_envelope, utcnow
from shared.errors import AlreadyExists, StaleWrite
from shared.kafka import DEFAULT_BATCH_SIZE, TRANSIENT_KAFKA_ERRORS, SendFuture
from shared.metrics import (
    EVENT_DELAY,
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    EVENTS_FAILED,
    EVENTS_RETRIED,
    EVENTS_SKIPPED,
    HANDLER_LATENCY,
    LAST_HANDLED,
)
from shared.mongo_store import MongoUnitOfWork, SharedTransaction, reading_in
from shared.retry import Backoff, Stopped, retry
from shared.topics import dlq_topic
from shared.uow import UnitOfWork
from shared.watchdog import Progress

if TYPE_CHECKING:
    from kafka.consumer.fetcher import ConsumerRecord

PROCESSED = "processed_events"
REPLAY_HEADER = "dlq_replay_for_group"
log = logging.getLogger(__name__)

# A handler's return value is ignored (some hand back the aggregate they changed).
Handler = Callable[[Envelope, dict[str, Any], UnitOfWork], object]


@dataclass(frozen=True)
class Handled:
    """What a batch did with one record, reported once the batch's transaction has committed."""

    record: ConsumerRecord
    event: Envelope | None = None
    skipped: str | None = None  # why the record had no effect: "not_subscribed" or "duplicate"
    seconds: float = 0.0


class SpoiledBatch(Exception):
    """A write in the batch's transaction failed, even if its handler caught the error."""


class PoisonMessage(Exception):
    """This message can never be handled: wrong shape, unknown type or version."""


@dataclass
class RetryPolicy:
    handler_attempts: int = 3  # a handler bug is retried this often, then the message is parked
    initial_backoff: float = 0.2
    max_backoff: float = 30.0

    @property
    def backoff(self) -> Backoff:
        return Backoff(self.initial_backoff, self.max_backoff)


def is_passing_fault(error: BaseException) -> bool:
    """Faults that pass by themselves: the database or broker hiccupped, or a concurrent change
    won a race (the handler reloads and tries again). These are retried for as long as they last."""
    return is_transient(error) or isinstance(error, (*TRANSIENT_KAFKA_ERRORS, StaleWrite))


class ConsumerRunner:
    def __init__(
        self,
        *,
        service: str,
        group: str,
        db: Database[Any],
        consumer: KafkaConsumer,
        producer_factory: Callable[[], KafkaProducer],
        handlers: Mapping[str, Handler],
        retry: RetryPolicy | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.service = service
        self.group = group
        self.db = db
        self.consumer = consumer
        self.producer_factory = producer_factory
        self.handlers = dict(handlers)
        self.retry = retry or RetryPolicy()
        self.batch_size = batch_size  # 1: every event in a transaction of its own
        self._producer: KafkaProducer | None = None
        # Each returned poll and each retry while a dependency is away: a worker's watchdog ends a
        # process whose consumer falls silent (shared/watchdog.py).
        self.progress = Progress()

    # -- loop -------------------------------------------------------------------------------
    def run(self, stop: threading.Event, poll_ms: int = 500) -> None:
        """Polls until `stop` is set; the batch or message in hand is finished and committed first."""
        try:
            while not stop.is_set():
                polled = self.consumer.poll(timeout_ms=poll_ms, max_records=self.batch_size)
                self.progress.beat()
                records = [record for records in polled.values() for record in records]
                if not records:
                    continue
                if len(records) > 1 and self.batch_size > 1:
                    handled = self._handle_batch(records)
                    if handled is not None:
                        self._report(handled)
                        if not self._commit_batch(records, stop):
                            return
                        continue
                if not self._process_each(records, stop):
                    return
        finally:
            self.consumer.close(autocommit=False)
            if self._producer is not None:
                self._producer.close(timeout=5)

    def _process_each(self, records: list[ConsumerRecord], stop: threading.Event) -> bool:
        # Stops after the message in hand if asked to; the rest of the batch is uncommitted and
        # is fetched again by the next run.
        return all(self.process(record, stop) and not stop.is_set() for record in records)

    # -- a batch in one transaction -----------------------------------------------------------
    def _handle_batch(self, records: list[ConsumerRecord]) -> list[Handled] | None:
        """Handles every record in one transaction; None (and nothing written) if any fails."""
        try:
            # A poison record raises here, before any transaction: the one-by-one path parks it.
            decoded = [(record, *self._decode(record)) for record in records]
            with self.db.client.start_session() as session, session.start_transaction():
                shared = SharedTransaction(session)
                with reading_in(shared):
                    return self._handle_decoded(decoded, shared)
        except Exception as error:  # noqa: BLE001 - the batch is retried one event at a time
            log.info(
                "batch aborted, handling its events one by one",
                extra={"group": self.group, "size": len(records), "error": error.__class__.__name__},
            )
            return None

    def _handle_decoded(
        self, decoded: list[tuple[ConsumerRecord, Envelope | None, dict[str, Any]]], shared: SharedTransaction
    ) -> list[Handled]:
        markers = [self._marker(event) for _, event, _ in decoded if event is not None]
        # Read in the transaction: a marker another delivery commits meanwhile conflicts with ours.
        found = self.db[PROCESSED].find({"_id": {"$in": markers}}, {"_id": 1}, session=shared.session)
        done = {marker["_id"] for marker in found}
        handled: list[Handled] = []
        new_markers: list[dict[str, Any]] = []
        for record, event, data in decoded:
            if event is None:
                handled.append(Handled(record, skipped="not_subscribed"))
            elif self._marker(event) in done:  # handled before, or earlier in this very batch
                handled.append(Handled(record, event, skipped="duplicate"))
            else:
                handled.append(self._handle_in(record, event, data, shared))
                done.add(self._marker(event))
                new_markers.append(self._marker_record(event))
        if new_markers:
            # All markers in one write, in the same transaction as every effect they vouch for.
            self.db[PROCESSED].insert_many(new_markers, session=shared.session)
        return handled

    def _handle_in(
        self, record: ConsumerRecord, event: Envelope, data: dict[str, Any], shared: SharedTransaction
    ) -> Handled:
        token = context.set_correlation_id(event.correlation_id)
        started = time.perf_counter()
        try:
            uow = MongoUnitOfWork(self.db, self.service, cause=event, shared=shared)
            self.handlers[event.type](event, data, uow)
            if not uow.committed:
                uow.commit()
        finally:
            context.reset_correlation_id(token)
        if shared.spoiled:
            raise SpoiledBatch(event.type)
        return Handled(record, event, seconds=time.perf_counter() - started)

    def _report(self, handled: list[Handled]) -> None:
        for outcome in handled:
            if outcome.skipped is not None:
                EVENTS_SKIPPED.labels(self.service, self.group, outcome.skipped).inc()
            elif outcome.event is not None:
                self._count_handled(outcome.event)
                HANDLER_LATENCY.labels(self.service, self.group, outcome.event.type).observe(outcome.seconds)

    def _commit_batch(self, records: list[ConsumerRecord], stop: threading.Event) -> bool:
        """One offset commit for the batch (the next offset of each partition). False if stopped
        before the broker took it: the batch is then redelivered and its markers skip it."""
        offsets = _next_offsets(records)
        try:
            # Tried once even when asked to stop: the batch in hand is finished, offsets included.
            self._commit_offsets(offsets)
            return True
        except Exception as error:  # noqa: BLE001 - the broker is away: retried until it is back
            log.warning("offset commit failed", extra={"group": self.group, "error": error.__class__.__name__})
        try:
            retry(lambda: self._commit_offsets(offsets), backoff=self.retry.backoff, stop=stop, on_failure=self._beat)
            return True
        except Stopped:
            return False

    def process(self, record: ConsumerRecord, stop: threading.Event) -> bool:
        """Handles one record fully (or parks it); commits its offset. False if interrupted."""

        def handle() -> None:
            self._handle_or_park(record)
            self._commit(record)

        try:
            retry(
                handle,
                should_retry=lambda error, attempt: self._should_retry(record, error, attempt),
                backoff=self.retry.backoff,
                stop=stop,
            )
            return True
        except Stopped:
            return False
        except Exception as error:  # noqa: BLE001 - out of retries: the message is parked
            self._park_until_done(record, error, stop)
            return not stop.is_set()

    def _should_retry(self, record: ConsumerRecord, error: BaseException, attempt: int) -> bool:
        self.progress.beat()
        transient = is_passing_fault(error)
        log.warning(
            "event handling failed",
            extra={
                "group": self.group,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "error": error.__class__.__name__,
                "attempt": attempt,
                "transient": transient,
            },
        )
        if transient:
            EVENTS_RETRIED.labels(self.service, self.group).inc()
        else:
            EVENTS_FAILED.labels(self.service, self.group, _header(record, "ce_type") or "unknown").inc()
        return transient or attempt < self.retry.handler_attempts

    def _park_until_done(self, record: ConsumerRecord, error: BaseException, stop: threading.Event) -> None:
        def park() -> None:
            self._dead_letter(record, error)
            self._commit(record)

        # The broker may be away: keep the message and retry until it is parked or we stop.
        with contextlib.suppress(Stopped):
            retry(park, backoff=self.retry.backoff, stop=stop, on_failure=self._beat)

    def _beat(self, _error: BaseException, _attempt: int, _delay: float) -> None:
        self.progress.beat()

    # -- one message ------------------------------------------------------------------------
    def _handle_or_park(self, record: ConsumerRecord) -> None:
        try:
            event, data = self._decode(record)
        except PoisonMessage as poison:
            self._dead_letter(record, poison)
            return
        if event is None:
            EVENTS_SKIPPED.labels(self.service, self.group, "not_subscribed").inc()
            return
        if self.db[PROCESSED].find_one({"_id": self._marker(event)}, {"_id": 1}):
            EVENTS_SKIPPED.labels(self.service, self.group, "duplicate").inc()
            return
        self._run_handler(event, data)

    def _decode(self, record: ConsumerRecord) -> tuple[Envelope | None, dict[str, Any]]:
        try:
            event = parse_envelope(record.value)
        except MalformedEnvelope as error:
            raise PoisonMessage(str(error)) from error
        if _header(record, "ce_type") != event.type or _header(record, "ce_id") != event.id:
            # The relay always sends them; tools route and deduplicate by them without the body.
            raise PoisonMessage("the ce_type and ce_id headers are missing or differ from the envelope")
        if event.type not in self.handlers or not self._meant_for_us(record):
            # Types this group does not handle are not its business, whatever their version.
            return None, {}
        try:
            data = read_incoming(event.type, event.version, event.data)
        except UnknownEvent as error:
            raise PoisonMessage(str(error)) from error
        except ValidationError as error:
            raise PoisonMessage(f"{event.type} v{event.version} failed its schema: {sorted(error.messages)}") from error
        return event, data

    def _meant_for_us(self, record: ConsumerRecord) -> bool:
        """A replayed dead letter is for the group that parked it; the others handled it already."""
        target = _header(record, REPLAY_HEADER)
        return target is None or target == self.group

    def _run_handler(self, event: Envelope, data: dict[str, Any]) -> None:
        token = context.set_correlation_id(event.correlation_id)
        started = time.perf_counter()
        try:
            try:
                self._handle_event(event, data, MongoUnitOfWork(self.db, self.service, cause=event))
            except AlreadyExists:
                # Another delivery of the same event won the race; its effects stand, ours rolled back.
                if not self.db[PROCESSED].find_one({"_id": self._marker(event)}):
                    raise
                EVENTS_SKIPPED.labels(self.service, self.group, "duplicate").inc()
                return
            self._count_handled(event)
        finally:
            HANDLER_LATENCY.labels(self.service, self.group, event.type).observe(time.perf_counter() - started)
            context.reset_correlation_id(token)

    def _marker_record(self, event: Envelope) -> dict[str, Any]:
        return {
            "_id": self._marker(event),
            "group": self.group,
            "event_id": event.id,
            "type": event.type,
            "processed_at": utcnow(),
        }

    def _handle_event(self, event: Envelope, data: dict[str, Any], uow: MongoUnitOfWork) -> None:
        marker = self._marker_record(event)

        def mark_processed(session: Any) -> None:
            self.db[PROCESSED].insert_one(dict(marker), session=session)

        # Staged first, so the handler's own commit records the event as processed with its effects.
        uow.stage(mark_processed)
        self.handlers[event.type](event, data, uow)
        if not uow.committed:
            uow.commit()  # a handler that decided to do nothing still marks the event done

    def _count_handled(self, event: Envelope) -> None:
        EVENTS_CONSUMED.labels(self.service, self.group, event.type).inc()
        EVENT_DELAY.labels(self.service, self.group, event.type).observe(
            max((utcnow() - event.time).total_seconds(), 0.0)
        )

    def _marker(self, event: Envelope) -> str:
        return f"{self.group}:{event.id}"

    # -- offsets and dead letters ----------------------------------------------------------
    def _commit(self, record: ConsumerRecord) -> None:
        self._commit_offsets(_next_offsets([record]))

    def _commit_offsets(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        LAST_HANDLED.labels(self.service, self.group).set_to_current_time()
        try:
            self.consumer.commit(offsets)
        except CommitFailedError:
            # The partition moved to another member in a rebalance; it will redeliver from the
            # last commit and the processed-event record makes that harmless.
            log.info(
                "offset commit lost to a rebalance",
                extra={"group": self.group, "partitions": sorted(f"{tp.topic}/{tp.partition}" for tp in offsets)},
            )

    def _dead_letter(self, record: ConsumerRecord, error: BaseException) -> None:
        """Parks the original bytes with why, where from and who gave up on it."""
        if self._producer is None:
            self._producer = self.producer_factory()
        headers = list(record.headers or []) + [
            ("dlq_error", error.__class__.__name__.encode()),
            # Our own poison reasons name fields, never values; other errors' text may echo
            # client data (database errors print the document), so only their type is kept.
            ("dlq_reason", (str(error) if isinstance(error, PoisonMessage) else "see dlq_error")[:1000].encode()),
            ("dlq_group", self.group.encode()),
            ("dlq_topic", record.topic.encode()),
            ("dlq_partition", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()),
        ]
        target = dlq_topic(record.topic)
        sent: SendFuture = self._producer.send(target, key=record.key, value=record.value, headers=headers)
        sent.get(timeout=30)
        EVENTS_DEAD_LETTERED.labels(self.service, self.group, record.topic).inc()
        log.error(
            "message dead-lettered",
            extra={
                "group": self.group,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "dlq": target,
                "error": error.__class__.__name__,
            },
        )


def _next_offsets(records: list[ConsumerRecord]) -> dict[TopicPartition, OffsetAndMetadata]:
    """The offset to resume from in each partition: after the last of `records` there."""
    offsets: dict[TopicPartition, OffsetAndMetadata] = {}
    for record in records:
        offsets[TopicPartition(record.topic, record.partition)] = OffsetAndMetadata(record.offset + 1, "", -1)
    return offsets


def _header(record: ConsumerRecord, name: str) -> str | None:
    for key, value in record.headers or []:
        if key == name:
            return value.decode(errors="replace")
    return None


def ensure_processed_indexes(db: Database[Any]) -> None:
    # Kept past the longest retention (dead letters: 90 days), so any replayable event is recognised.
    db[PROCESSED].create_index("processed_at", expireAfterSeconds=120 * 24 * 3600)
