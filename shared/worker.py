"""A service's background process: the outbox relay and the service's event consumer."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from prometheus_client import start_http_server
from pymongo.database import Database

from shared import watchdog
from shared.activity import declare_activity_series
from shared.config import Settings, worker_instance
from shared.consumer import ConsumerRunner, Handler, ensure_processed_indexes
from shared.contracts import all_contracts, topic_for_type
from shared.db import database
from shared.kafka import consumer_batch_size, ensure_topics, make_consumer, make_producer
from shared.kafka_watch import KafkaWatch
from shared.logs import configure_logging
from shared.metrics import declare_event_series
from shared.outbox import OutboxRelay, ensure_outbox_indexes, relay_lease
from shared.retry import Backoff, Stopped, retry
from shared.topics import declared_topics

log = logging.getLogger(__name__)
WORKER_METRICS_OFFSET = 100
# A service's second and later workers serve their metrics this many ports further on each.
WORKER_INSTANCE_STRIDE = 10
T = TypeVar("T")


@dataclass(frozen=True)
class PeriodicTask:
    """Work a worker does on a timer (e.g. escalating unacknowledged alerts)."""

    name: str
    every_seconds: float
    run: Callable[[], object]


@dataclass
class WorkerSpec:
    service: str
    # Built from the process's own database handle (clients are per process, never inherited).
    build_handlers: Callable[[Database[Any]], Mapping[str, Handler]]
    ensure_indexes: Callable[[Database[Any]], None] = field(default=lambda db: None)
    build_periodic: Callable[[Database[Any]], list[PeriodicTask]] = field(default=lambda db: [])
    # Zero-valued series of the service's own metrics, declared before the metrics server answers.
    declare_metrics: Callable[[], None] = field(default=lambda: None)


DEPENDENCY_BACKOFF = Backoff(0.5, 5.0)


def retry_until(stop: threading.Event, what: str, action: Callable[[], T]) -> T | None:
    """Runs `action` until it succeeds, or None if we are asked to stop first: dependencies
    come up in any order."""

    def waiting(error: BaseException, _attempt: int, delay: float) -> None:
        log.warning(
            "waiting for dependency", extra={"dependency": what, "error": error.__class__.__name__, "retry_in": delay}
        )

    try:
        return retry(action, backoff=DEPENDENCY_BACKOFF, stop=stop, on_failure=waiting)
    except Stopped:
        return None


def worker_metrics_port(service_port: int, instance: int) -> int:
    return service_port + WORKER_METRICS_OFFSET + WORKER_INSTANCE_STRIDE * (instance - 1)


def install_stop_signals(stop: threading.Event) -> None:
    # The handler only sets a flag: the loops finish the message in hand, commit, and exit.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())


def run_worker(spec: WorkerSpec, settings: Settings | None = None, stop: threading.Event | None = None) -> None:
    settings = settings or Settings.from_env(spec.service)
    configure_logging(spec.service, settings.log_level)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        install_stop_signals(stop)
    spec.declare_metrics()
    start_http_server(worker_metrics_port(settings.port, worker_instance()))
    db = database(settings.mongo_uri, settings.database)
    if retry_until(stop, "mongodb", lambda: _prepare_database(db, spec)) is None:
        return
    # Timers (alert escalation) need only the database: they must run through a Kafka outage.
    timers = [_start_periodic(task, stop) for task in spec.build_periodic(db)]
    topics = declared_topics(settings.audit_topic)
    if retry_until(stop, "kafka-topics", lambda: ensure_topics(settings.kafka_bootstrap_servers, topics)) is None:
        _join(timers)
        return
    handlers = spec.build_handlers(db)
    _declare_metrics(spec.service, settings, handlers)
    timers.append(_start_periodic(_kafka_metrics(spec.service, settings, handlers), stop))
    relay = _start_relay(db, settings, stop)
    log.info("worker started", extra={"group": settings.consumer_group, "events": sorted(handlers)})
    try:
        _consume(spec.service, handlers, settings, db, stop)
    finally:
        stop.set()
        _join([relay, *timers])
        log.info("worker stopped")


def _declare_metrics(service: str, settings: Settings, handlers: Mapping[str, Handler]) -> None:
    published = [c.type for c in all_contracts() if c.type.split(".", 1)[0] == service]
    declare_event_series(
        service,
        settings.consumer_group if handlers else None,
        consumed_types=sorted(handlers),
        published_types=published,
        topics=_topics(handlers),
    )
    declare_activity_series(service, published)


def _kafka_metrics(service: str, settings: Settings, handlers: Mapping[str, Handler]) -> PeriodicTask:
    """Consumer lag and dead-letter depth, measured on the broker on a timer of their own."""
    watch = KafkaWatch.for_worker(
        service, settings.consumer_group if handlers else None, _topics(handlers), settings.kafka_bootstrap_servers
    )
    watch.declare()
    return PeriodicTask("kafka-metrics", settings.kafka_metrics_seconds, watch.measure)


def _topics(handlers: Mapping[str, Handler]) -> list[str]:
    return sorted({topic_for_type(event_type) for event_type in handlers})


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=30)


def _prepare_database(db: Database[Any], spec: WorkerSpec) -> bool:
    ensure_outbox_indexes(db)
    ensure_processed_indexes(db)
    spec.ensure_indexes(db)
    return True


def _start_relay(db: Database[Any], settings: Settings, stop: threading.Event) -> threading.Thread:
    # Every worker runs a relay; the lease lets one of them publish at a time (others stand by).
    relay = OutboxRelay(
        db,
        lambda: make_producer(settings.kafka_bootstrap_servers, f"{settings.service}-relay"),
        settings.service,
        lease=relay_lease(db, _relay_holder(settings.service)),
    )
    thread = threading.Thread(
        target=relay.run, args=(stop, settings.outbox_poll_seconds), name="outbox-relay", daemon=True
    )
    thread.start()
    return thread


def _relay_holder(service: str) -> str:
    """Names this process in the lease document, for the runbook's "who holds it"."""
    return f"{service}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _start_periodic(task: PeriodicTask, stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(task.every_seconds):
            try:
                task.run()
            except Exception as error:  # noqa: BLE001 - a failed round is retried next time
                log.warning("periodic task failed", extra={"task": task.name, "error": error.__class__.__name__})

    thread = threading.Thread(target=loop, name=task.name, daemon=True)
    thread.start()
    return thread


def _consume(
    service: str, handlers: Mapping[str, Handler], settings: Settings, db: Database[Any], stop: threading.Event
) -> None:
    if not handlers:
        stop.wait()
        return
    topics = _topics(handlers)
    batch_size = consumer_batch_size()
    consumer = retry_until(
        stop,
        "kafka-consumer",
        lambda: make_consumer(
            settings.kafka_bootstrap_servers, settings.consumer_group, topics, f"{service}-consumer", batch_size
        ),
    )
    if consumer is None:
        return
    runner = ConsumerRunner(
        service=service,
        group=settings.consumer_group,
        db=db,
        consumer=consumer,
        handlers=handlers,
        producer_factory=lambda: make_producer(settings.kafka_bootstrap_servers, f"{service}-dlq"),
        batch_size=batch_size,
    )
    watchdog.watch(runner.progress, watchdog.stall_seconds(), stop, f"{service}-consumer")
    runner.run(stop)
