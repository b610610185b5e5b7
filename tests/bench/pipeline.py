"""The event pipeline against its ceilings: the consumer's events/s beside raw kafka-python
consumption and raw per-event transactions, the relay's publishes/s beside raw produce, all on the
same broker and database, with outbox records of a real event.

The probes written with the consumer and the relay (`tests.bench.consumer`, `tests.bench.relay`)
plug in when they are present: `plugin_results` calls them and keeps what they report beside these
figures.
"""

from __future__ import annotations

import importlib
import inspect
import threading
import time
import uuid
from typing import Any

from shared.consumer import ConsumerRunner, ensure_processed_indexes
from shared.kafka import make_consumer, make_producer
from shared.outbox import OUTBOX, OutboxRelay, ensure_outbox_indexes
from tests.bench.ceilings import Ceilings, private_topic, raw_produce, sample_records
from tests.bench.figures import Figure, Target

CONSUMER_TARGET = Target(min_ratio=0.5)
PLUGINS = ("tests.bench.consumer", "tests.bench.relay")


def consumer_figures(bootstrap: str, db: Any, ceilings: Ceilings, events: int) -> list[Figure]:
    """The service consumer (processed marker, handler, commit) on `events` events already on a topic."""
    ensure_processed_indexes(db)
    topic = private_topic(bootstrap, "consumer")
    raw_produce(bootstrap, sample_records(events, topic))
    handled_at: list[float] = []
    done = threading.Event()

    def handle(event: Any, data: Any, uow: Any) -> None:
        uow.commit()
        handled_at.append(time.perf_counter())
        if len(handled_at) >= events:
            done.set()

    group = f"bench-consumer-{uuid.uuid4().hex[:6]}"
    runner = ConsumerRunner(
        service="bench",
        group=group,
        db=db,
        consumer=make_consumer(bootstrap, group, [topic], group),
        producer_factory=lambda: make_producer(bootstrap, "bench-dlq"),
        handlers={"intake.client.registered": handle},
    )
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop, 100), daemon=True)
    thread.start()
    done.wait(600)
    stop.set()
    thread.join(30)
    if not done.is_set():
        raise RuntimeError(f"the consumer handled {len(handled_at)} of {events} events")
    # From the first event handled to the last: joining the group is not handling.
    rate = (len(handled_at) - 1) / (handled_at[-1] - handled_at[0])
    details = {"events": events, "record_bytes": ceilings.record_bytes}
    return [
        Figure(
            "consumer events/s",
            rate,
            "events/s",
            "raw kafka-python consumption",
            ceilings.consume_per_second,
            CONSUMER_TARGET,
            details=details,
        ),
        Figure(
            "consumer events/s",
            rate,
            "events/s",
            "raw per-event MongoDB transactions",
            ceilings.transaction_per_second,
            details=details,
        ),
    ]


def relay_figures(bootstrap: str, db: Any, ceilings: Ceilings, events: int) -> list[Figure]:
    """The outbox relay draining `events` pending records (the same records raw produce sent)."""
    ensure_outbox_indexes(db)
    topic = private_topic(bootstrap, "relay")
    relay = OutboxRelay(db, lambda: make_producer(bootstrap, "bench-relay"), "bench")
    try:
        db[OUTBOX].insert_many(sample_records(1, topic))
        relay.publish_pending()  # connects the producer: not timed
        db[OUTBOX].insert_many(sample_records(events, topic))
        started = time.perf_counter()
        published = 0
        while sent := relay.publish_pending():
            published += sent
        rate = published / (time.perf_counter() - started)
    finally:
        relay.reset_producer()
    return [
        Figure(
            "relay publishes/s",
            rate,
            "events/s",
            "raw kafka-python produce",
            ceilings.produce_per_second,
            details={"events": published, "record_bytes": ceilings.record_bytes},
        )
    ]


def plugin_results(bootstrap: str, db: Any, mongo_uri: str, events: int) -> tuple[list[Figure], dict[str, Any]]:
    """Runs each probe module that exists. A probe may return Figures (taken as they are) or anything
    JSON-like (kept in results.json under `probes`). It is called through its first function named
    `figures`, `measure`, `probe` or `run`, given those of these arguments its signature names:
    bootstrap / bootstrap_servers, db / database, mongo_uri, events / records (how many to send)."""
    figures: list[Figure] = []
    reported: dict[str, Any] = {}
    offered = {
        "bootstrap": bootstrap,
        "bootstrap_servers": bootstrap,
        "db": db,
        "database": db,
        "mongo_uri": mongo_uri,
        "events": events,
        "records": events,
    }
    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                reported[name] = f"not run: {missing}"
            continue
        probe = next((getattr(module, f) for f in ("figures", "measure", "probe", "run") if hasattr(module, f)), None)
        if probe is None:
            reported[name] = "not run: no figures/measure/probe/run function"
            continue
        arguments = {k: v for k, v in offered.items() if k in inspect.signature(probe).parameters}
        result = probe(**arguments)
        if isinstance(result, list) and result and all(isinstance(item, Figure) for item in result):
            figures.extend(result)
        else:
            reported[name] = result
    return figures, reported
