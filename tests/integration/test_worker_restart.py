"""A real service worker stopped mid-stream resumes where it left off: every event once, none twice."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import uuid

import requests

from shared.config import PROJECT_ROOT
from shared.topics import events_topic
from tests.support.events import registered_event
from tests.support.infra import LOG_DIR, base_env, free_port_block, wait_for
from tests.support.kafka_tools import send_events

EVENTS = 400


def start_worker(env: dict[str, str], log_name: str) -> subprocess.Popen:
    log = open(LOG_DIR / log_name, "ab")  # noqa: SIM115 - handed to the child process
    return subprocess.Popen(
        [sys.executable, "-m", "services.sessions.worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def duplicates_skipped(metrics_url: str) -> float:
    text = requests.get(metrics_url, timeout=5).text
    found = re.findall(r'^events_skipped_total\{[^}]*reason="duplicate"[^}]*\} (\S+)$', text, re.M)
    return sum(float(value) for value in found)


def test_sessions_worker_resumes_after_sigterm(infra, db):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port_block((0, 100))
    prefix = f"rs{uuid.uuid4().hex[:6]}"
    env = base_env() | {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "MONGO_URI": infra.mongo_uri,
        "MONGO_DB_PREFIX": prefix,
        "KAFKA_GROUP_PREFIX": f"{prefix}-",
        "SESSIONS_PORT": str(port),
    }
    episodes = db.client[f"{prefix}_sessions"].episodes
    events = [registered_event() for _ in range(EVENTS)]
    send_events(infra.kafka_bootstrap, events_topic("intake"), events)
    ours = {"client_id": {"$in": [e.subject for e in events]}}

    first = start_worker(env, f"restart-{port}.log")
    try:
        wait_for(lambda: episodes.count_documents(ours) >= 5, 60, "the worker to handle some events", interval=0.02)
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0, "the worker did not exit cleanly on SIGTERM"
    finally:
        if first.poll() is None:
            first.kill()
    handled_before_restart = episodes.count_documents(ours)

    second = start_worker(env, f"restart-{port}.log")
    try:
        wait_for(lambda: episodes.count_documents(ours) == EVENTS, 120, "every event to be handled")
        # Committed offsets told the new process where to start: it re-handled nothing.
        metrics_url = f"http://127.0.0.1:{port + 100}/metrics"
        assert wait_for(lambda: requests.get(metrics_url, timeout=5).ok, 30, "worker metrics")
        assert duplicates_skipped(metrics_url) == 0
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    per_client = {e.subject: episodes.count_documents({"client_id": e.subject}) for e in events}
    assert set(per_client.values()) == {1}
    assert 5 <= handled_before_restart < EVENTS, "the stop did not land mid-stream"
    db.client.drop_database(f"{prefix}_sessions")
