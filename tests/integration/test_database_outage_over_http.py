"""The database server of a private MongoDB stopped and started again under a real intake web process
(gunicorn) and a real sessions worker: the API answers 503 with Retry-After quickly, /readyz names
mongodb, /healthz stays 200, the worker waits and keeps its /metrics; after the restart the API takes
requests again within seconds and the worker handles what arrived meanwhile, each event once. The
web process is given a broker address where no broker listens: it still takes registrations
(through the outbox), and /readyz names kafka. A transaction that fails mid-way keeps nothing.

The database is private: stopping the shared one would disturb every other test.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pymongo import MongoClient
from pymongo.errors import AutoReconnect

from shared.auth import issue_token
from shared.config import PROJECT_ROOT
from shared.mongo_store import MongoDocuments, MongoUnitOfWork
from shared.topics import events_topic
from tests.support.events import registered_event
from tests.support.infra import LOG_DIR, ManagedProcess, base_env, free_port, free_port_block, mongo_process, wait_for
from tests.support.kafka_tools import send_events
from tests.support.store_contract import CASES, Case

# Generous bounds for a loaded 2-core machine: the aim is "quickly, never a hang", not a benchmark.
ANSWERED_WITHIN = 2.5
RECOVERED_WITHIN = 10.0
EVENTS_DURING_OUTAGE = 10


@pytest.fixture(scope="module")
def private_mongo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedProcess]:
    mongo = mongo_process(tmp_path_factory.mktemp("outage") / "mongo", free_port())
    mongo.start()
    try:
        yield mongo
    finally:
        mongo.stop()


def started(command: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / log_name, "ab")  # noqa: SIM115 - handed to the child process
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stopped(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def timed(call):
    began = time.monotonic()
    result = call()
    return result, time.monotonic() - began


def web_process(mongo_port: int, port: int, secret: str, metrics_dir: Path) -> subprocess.Popen:
    env = base_env() | {
        "MONGO_URI": f"mongodb://127.0.0.1:{mongo_port}/",
        "MONGO_DB_PREFIX": f"out{uuid.uuid4().hex[:6]}",
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # no broker listens there
        "IPT_JWT_SECRET": secret,
        "INTAKE_PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "API_RATE_PER_USER": "0",
        "API_RATE_PER_ADDRESS": "0",
    }
    bind = ["--bind", f"127.0.0.1:{port}", "services.intake.bootstrap:create_app()"]
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", *bind]
    return started(command, env, f"outage-web-{port}.log")


def worker_process(mongo_port: int, port: int, kafka_bootstrap: str, prefix: str) -> subprocess.Popen:
    env = base_env() | {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "MONGO_URI": f"mongodb://127.0.0.1:{mongo_port}/",
        "MONGO_DB_PREFIX": prefix,
        "KAFKA_GROUP_PREFIX": f"{prefix}-",
        "SESSIONS_PORT": str(port),
    }
    return started([sys.executable, "-m", "services.sessions.worker"], env, f"outage-worker-{port}.log")


def test_with_the_database_down_the_api_answers_503_at_once_workers_wait_and_both_recover(
    private_mongo, infra, tmp_path: Path
):
    web_port, worker_port = free_port(), free_port_block((0, 100))
    secret, prefix = secrets.token_urlsafe(32), f"ow{uuid.uuid4().hex[:6]}"
    url, metrics = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{worker_port + 100}/metrics"
    headers = {"Authorization": f"Bearer {issue_token(secret, 'outage-test', 'admin')}"}
    database = MongoClient(f"mongodb://127.0.0.1:{private_mongo.port}/", serverSelectionTimeoutMS=3000)
    episodes, outbox = database[f"{prefix}_sessions"].episodes, database[f"{prefix}_sessions"].outbox
    web = web_process(private_mongo.port, web_port, secret, tmp_path / "metrics")
    worker = worker_process(private_mongo.port, worker_port, infra.kafka_bootstrap, prefix)
    try:
        wait_for(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, "the intake web process")
        wait_for(lambda: requests.get(metrics, timeout=2).ok, 60, "the worker's metrics")

        # The broker down for the web process: it still takes registrations (the outbox keeps their
        # events), and its readiness names kafka.
        registered = requests.post(f"{url}/api/v1/clients", json=registration(), headers=headers, timeout=10)
        assert registered.status_code == 201, registered.text
        record = f"{url}/api/v1/clients/{registered.json()['id']}"
        ready = requests.get(f"{url}/readyz", timeout=5)
        assert ready.status_code == 503
        assert ready.json()["checks"]["mongodb"] == "ok"
        assert ready.json()["checks"]["kafka"].startswith("down: ")
        first = registered_event()
        send_events(infra.kafka_bootstrap, events_topic("intake"), [first])
        wait_for(lambda: episodes.count_documents({"client_id": first.subject}) == 1, 60, "the worker handling")

        private_mongo.stop()
        during = [registered_event() for _ in range(EVENTS_DURING_OUTAGE)]
        send_events(infra.kafka_bootstrap, events_topic("intake"), during)
        for attempt in ("first", "while the circuit is open"):
            answer, took = timed(lambda: requests.get(record, headers=headers, timeout=30))
            assert answer.status_code == 503, (attempt, answer.text)
            assert int(answer.headers["Retry-After"]) >= 1
            assert answer.json()["code"] == 503
            assert took < ANSWERED_WITHIN, f"{attempt} read took {took:.1f}s"
        time.sleep(2.1)  # past the circuit: a write tries the database, and gives up within its budget
        write, took = timed(
            lambda: requests.post(f"{url}/api/v1/clients", json=registration(), headers=headers, timeout=30)
        )
        assert write.status_code == 503 and "Retry-After" in write.headers, write.text
        assert took < ANSWERED_WITHIN + 1, f"the write took {took:.1f}s"
        ready, took = timed(lambda: requests.get(f"{url}/readyz", timeout=10))
        assert ready.status_code == 503 and ready.json()["checks"]["mongodb"].startswith("down: ")
        assert took < ANSWERED_WITHIN
        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
        # The worker meets the database down too: it waits, and its metrics stay up.
        assert requests.get(metrics, timeout=5).ok
        assert worker.poll() is None, "the worker must wait for the database, not exit"

        private_mongo.start()
        back = time.monotonic()
        wait_for(lambda: requests.get(record, headers=headers, timeout=5).status_code == 200, 30, "the API back")
        assert time.monotonic() - back < RECOVERED_WITHIN
        wait_for(lambda: _ready_database(url), 10, "readiness to see mongodb again")

        ours = {"client_id": {"$in": [event.subject for event in during]}}
        wait_for(lambda: episodes.count_documents(ours) == EVENTS_DURING_OUTAGE, 60, "the events of the outage")
        wait_for(lambda: outbox.count_documents({"status": "pending"}) == 0, 60, "the relay to publish again")
        assert {e.subject: episodes.count_documents({"client_id": e.subject}) for e in during} == {
            e.subject: 1 for e in during
        }
    finally:
        stopped(web)
        stopped(worker)
        database.close()


def test_a_transaction_that_fails_midway_on_the_real_database_keeps_nothing(db):
    cases = MongoDocuments(db, CASES)
    uow = MongoUnitOfWork(db, "test")
    case = Case("kept-or-not", "c1")
    case.note()
    cases.add(case, uow)

    def connection_lost(_session) -> None:
        raise AutoReconnect("connection lost mid-way")

    uow.stage(connection_lost)
    with pytest.raises(AutoReconnect):
        uow.commit()
    assert db[CASES.collection].count_documents({}) == 0
    assert db.outbox.count_documents({}) == 0, "nor is its event published"


def _ready_database(url: str) -> dict | None:
    body = requests.get(f"{url}/readyz", timeout=5).json()
    return body if body["checks"]["mongodb"] == "ok" else None


def registration() -> dict:
    return {
        "given_name": "Outage",
        "family_name": f"Test{uuid.uuid4().hex[:8]}",
        "date_of_birth": "1990-04-01",
        "program": "mental_health",
        "contact": {"email": "outage@example.org"},
        "preferred_channel": "email",
    }
