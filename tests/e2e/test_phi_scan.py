"""After every end-to-end and browser test: no client's name, date of birth, e-mail address or phone
number is in any process log of the stack, any metric label value (each service's web and worker
`/metrics`, and every label Prometheus stored), or any Kafka message key or header on any topic.

The clients are those the tests registered, read from the stack's intake database after the run. It
runs last in the session (tests/conftest.py moves tests marked `phi_scan` to the end), so it sees
everything the other tests made the platform write. Clients the contract fuzzer registered are left
out: their generated "names" are random strings that can be ordinary words.
"""

from __future__ import annotations

import pytest
import requests

from shared.config import SERVICES
from shared.db import mongo_client
from shared.worker import WORKER_METRICS_OFFSET
from tests.support.infra import LOG_DIR
from tests.support.phi_scan import (
    Hit,
    Needle,
    find_in_label_values,
    find_in_metrics,
    needles_for,
    scan_kafka,
    scan_logs,
)

pytestmark = pytest.mark.phi_scan
FUZZ_ACTORS = "fuzz-live-"  # the subs tests/e2e/test_contract_fuzz_live.py calls with


def registered_clients(stack, infra) -> list[dict]:
    client = mongo_client(infra.mongo_uri)
    clients = client[f"{stack.env['MONGO_DB_PREFIX']}_intake"]["clients"]
    return [
        found
        for found in clients.find({}, {"registration": 1, "registered_by": 1})
        if not str(found.get("registered_by", "")).startswith(FUZZ_ACTORS)
    ]


def metric_pages(stack) -> dict[str, str]:
    pages = {}
    for service in SERVICES:
        for kind, port in (("web", stack.ports[service]), ("worker", stack.ports[service] + WORKER_METRICS_OFFSET)):
            response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
            assert response.status_code == 200, f"{service} {kind} /metrics answered {response.status_code}"
            pages[f"{service}_{kind} /metrics"] = response.text
    return pages


def prometheus_label_values(stack) -> dict[str, list[str]]:
    api = f"{stack.prometheus_url}/api/v1"
    names = requests.get(f"{api}/labels", timeout=10).json()["data"]
    return {name: requests.get(f"{api}/label/{name}/values", timeout=30).json()["data"] for name in names}


def report(hits: list[Hit]) -> str:
    shown = "\n".join(f"  {hit}" for hit in hits[:50])
    more = f"\n  … and {len(hits) - 50} more" if len(hits) > 50 else ""
    return f"client identifiers found where none may be ({len(hits)}):\n{shown}{more}"


def test_no_client_identifier_is_in_logs_metric_labels_or_kafka_keys_and_headers(stack, infra):
    clients = registered_clients(stack, infra)
    assert clients, "the end-to-end run registered no client to look for"
    needles: list[Needle] = [needle for client in clients for needle in needles_for(client)]
    assert {needle.kind for needle in needles} >= {"given name", "family name", "date of birth", "e-mail"}

    logs = [stack.log_path] + [LOG_DIR / f"{p.name}-{p.port}.log" for p in (infra.kafka, infra.mongo)]
    hits = scan_logs([path for path in logs if path.exists()], needles)
    for source, page in metric_pages(stack).items():
        hits += find_in_metrics(page, needles, source)
    hits += find_in_label_values(prometheus_label_values(stack), needles, "prometheus")
    kafka_hits, read = scan_kafka(infra.kafka_bootstrap, needles)
    hits += kafka_hits

    assert read > 0, "no Kafka record was read"
    assert not hits, report(hits)
