"""Fixtures shared by every tier. Infrastructure starts only when a test asks for it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from shared.db import mongo_client
from shared.kafka import ensure_topics, kafka_reachable
from tests.support.infra import (
    ManagedProcess,
    free_port,
    free_port_block,
    kafka_process,
    mongo_process,
    wait_for,
)
from tests.support.stack import Stack, make_stack

TIERS = ("unit", "integration", "e2e", "browser")


def tier_of(item: pytest.Item) -> int:
    for rank, tier in enumerate(TIERS):
        if f"/tests/{tier}/" in str(item.path):
            return rank
    return 0


LATE_MARKERS = {
    "runs_late": "after every other end-to-end and browser test (it writes records the others do not expect)",
    "phi_scan": "the search for client identifiers in logs, metrics and Kafka: the last test of a session",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in LATE_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def running_order(item: pytest.Item) -> tuple[int, int]:
    # After every tier: tests whose records others do not expect (`runs_late`), then the PHI scan,
    # which must see what every other test made the platform write, browser tests included.
    last = 2 if item.get_closest_marker("phi_scan") else 1 if item.get_closest_marker("runs_late") else 0
    return last, tier_of(item)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The folder a test lives in is its tier: `pytest -m integration` picks a tier anywhere.
    # Fast tiers run first, and tests that stop the broker run before the service stack starts.
    for item in items:
        item.add_marker(getattr(pytest.mark, TIERS[tier_of(item)]))
    items.sort(key=running_order)


@dataclass
class Infra:
    kafka: ManagedProcess
    mongo: ManagedProcess
    kafka_bootstrap: str
    mongo_uri: str

    def restart_kafka(self) -> None:
        self.kafka.start()
        wait_for(lambda: kafka_reachable(self.kafka_bootstrap) or True, 60, "kafka to answer")


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    root = tmp_path_factory.mktemp("infra")
    kafka_port, mongo_port = free_port(), free_port()
    kafka = kafka_process(root / "kafka", kafka_port, free_port())
    mongo = mongo_process(root / "mongo", mongo_port)
    bootstrap = f"127.0.0.1:{kafka_port}"
    started: list[ManagedProcess] = []
    try:
        for process in (mongo, kafka):
            process.start()
            started.append(process)
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "kafka to answer")
        ensure_topics(bootstrap)
        yield Infra(kafka, mongo, bootstrap, f"mongodb://127.0.0.1:{mongo_port}/")
    finally:
        for process in reversed(started):
            process.stop()


@pytest.fixture
def db(infra: Infra):
    """A fresh database for one test, dropped afterwards."""
    client = mongo_client(infra.mongo_uri)
    name = f"it_{uuid.uuid4().hex[:12]}"
    yield client[name]
    client.drop_database(name)


@pytest.fixture(scope="session")
def stack(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = make_stack(
        infra.kafka_bootstrap,
        infra.mongo_uri,
        tmp_path_factory.mktemp("metrics"),
        free_port_block((1, 2, 3, 4, 101, 102, 103, 104)),
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
