"""Alert latency on the whole platform: a PHQ-9 with item 9 positive at intake → the risk flag on
Kafka → the alert in notifications → its e-mail accepted by the SMTP relay (the local sink).

Starts a broker, the database and the stack (as the e2e tests do), raises FLAGS urgent flags one
after another, and reports the time from each flag to its e-mail's `sent_at`.
"""

from __future__ import annotations

import secrets
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

from shared.kafka import ensure_topics, kafka_reachable
from tests.support.infra import free_port, free_port_block, kafka_process, mongo_process, wait_for
from tests.support.stack import make_stack

FLAGS = 20


def run(flags: int = FLAGS) -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="ipt-bench-alerts-"))
    kafka_port, mongo_port = free_port(), free_port()
    kafka = kafka_process(root / "kafka", kafka_port, free_port())
    mongo = mongo_process(root / "mongo", mongo_port)
    bootstrap = f"127.0.0.1:{kafka_port}"
    stack = make_stack(
        bootstrap,
        f"mongodb://127.0.0.1:{mongo_port}/",
        root / "metrics",
        free_port_block((1, 2, 3, 4, 101, 102, 103, 104)),
    )
    try:
        mongo.start()
        kafka.start()
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "kafka")
        ensure_topics(bootstrap)
        stack.start()
        return _measure(stack, flags)
    finally:
        stack.stop()
        kafka.stop()
        mongo.stop()


def _measure(stack, flags: int) -> list[dict]:
    notify = f"{stack.url('notifications')}/api/v1"
    on_call = f"oc-{secrets.token_hex(3)}"
    people = {"clinician": on_call, "supervisor": f"s-{on_call}", "clinical_lead": f"l-{on_call}"}
    requests.put(f"{notify}/on-call", json=people, headers=stack.headers("admin"), timeout=10).raise_for_status()
    requests.put(
        f"{notify}/staff/{on_call}",
        json={"email": f"{on_call}@bench.example.org"},
        headers=stack.headers("admin"),
        timeout=10,
    ).raise_for_status()
    intake = f"{stack.url('intake')}/api/v1"
    raised: list[str] = []
    for number in range(flags):
        body = {
            "given_name": f"Bench{number}",
            "family_name": "Alert",
            "date_of_birth": "1980-01-01",
            "program": "mental_health",
            "contact": {"email": f"b{number}@example.org"},
            "preferred_channel": "email",
        }
        client = requests.post(f"{intake}/clients", json=body, headers=stack.headers("intake"), timeout=10).json()
        screening = {"instrument": "phq9", "answers": [1, 1, 1, 1, 0, 1, 0, 0, 2], "difficulty": 1}
        response = requests.post(
            f"{intake}/clients/{client['id']}/screenings", json=screening, headers=stack.headers("intake"), timeout=10
        )
        raised.append(response.json()["risk_flag"]["id"])
        time.sleep(0.5)  # one flag at a time: latency, not throughput

    def delivered() -> list[float] | None:
        alerts = requests.get(f"{notify}/alerts", headers=stack.headers("supervisor"), timeout=10).json()
        by_id = {a["id"]: a for a in alerts if a["flag_id"] in raised}
        sent = requests.get(
            f"{notify}/notifications",
            params={"type": "risk_alert", "recipient": on_call, "status": "sent"},
            headers=stack.headers("supervisor"),
            timeout=10,
        ).json()
        seconds = [
            (
                datetime.fromisoformat(n["sent_at"]) - datetime.fromisoformat(by_id[n["alert_id"]]["raised_at"])
            ).total_seconds()
            for n in sent
            if n["alert_id"] in by_id and n["channel"] == "email"
        ]
        return seconds if len(seconds) >= flags else None

    seconds = sorted(wait_for(delivered, 120, "every alert e-mail", interval=1))
    return [
        {
            "benchmark": "alerts.flag_to_email_accepted",
            "flags": flags,
            "p50_ms": round(statistics.median(seconds) * 1000),
            "p95_ms": round(seconds[max(0, int(len(seconds) * 0.95) - 1)] * 1000),
            "max_ms": round(seconds[-1] * 1000),
        }
    ]
