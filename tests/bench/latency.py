"""Risk flag → alert stored, and → its e-mail accepted by the SMTP relay (the local sink), as p50, p95
and p99 of an open-loop load of risk screenings sent on a fixed schedule while a steady background
load runs. Each latency runs from the screening's intended send time (so a stall anywhere counts) to
the alert's `raised_at` and the e-mail's `sent_at`, both stamped by notifications on the same clock.

The background load is a hook: `BENCH_BACKGROUND=package.module:function` names a function
`(stack, stop) -> dict` that loads the stack until `stop` is set and returns a summary: by default the
clinic simulator (tests/bench/simulated_clinic.py); `simple`, an open-loop stream of registrations and
screenings.
"""

from __future__ import annotations

import importlib
import os
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests

from tests.bench import clinic
from tests.bench.figures import Figure, Target
from tests.bench.openloop import intended_times, open_loop_pool, run_open_loop, summary
from tests.support.infra import wait_for
from tests.support.stack import Stack

BackgroundLoad = Callable[[Stack, threading.Event], dict[str, Any]]
ALERT_STORED_P99_MS = 250.0
EMAIL_ACCEPTED_P99_MS = 1000.0
BACKGROUND_JOURNEYS_PER_SECOND = 2.0


def own_background_load(stack: Stack, stop: threading.Event) -> dict[str, Any]:
    """Registrations each followed by a screening without risk, sent open loop until stopped."""
    intake = f"{stack.url('intake')}/api/v1"
    headers = stack.headers("intake")
    outcomes = {"ok": 0, "failed": 0}
    counting = threading.Lock()

    def journey(number: int) -> None:
        try:
            with requests.Session() as session:
                client = clinic.register(session, intake, headers, "load", number)
                clinic.screen(session, intake, headers, client, clinic.PLAIN_SCREENING)
            outcome = "ok"
        except requests.RequestException:
            outcome = "failed"
        with counting:
            outcomes[outcome] += 1

    times = intended_times(time.time(), BACKGROUND_JOURNEYS_PER_SECOND, 3600)
    with open_loop_pool() as pool:
        run_open_loop(journey, times, pool, stop=stop)
    return {"kind": "open-loop registration + screening", "per_second": BACKGROUND_JOURNEYS_PER_SECOND} | outcomes


def background_load() -> BackgroundLoad:
    named = os.environ.get("BENCH_BACKGROUND", "tests.bench.simulated_clinic:load")
    if named == "simple":
        return own_background_load
    module, _, function = named.partition(":")
    load: BackgroundLoad = getattr(importlib.import_module(module), function)
    return load


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def _prepare_on_call(stack: Stack) -> str:
    notify = f"{stack.url('notifications')}/api/v1"
    on_call = f"oc-{secrets.token_hex(3)}"
    people = {"clinician": on_call, "supervisor": f"s-{on_call}", "clinical_lead": f"l-{on_call}"}
    admin = stack.headers("admin")
    requests.put(f"{notify}/on-call", json=people, headers=admin, timeout=10).raise_for_status()
    email = {"email": f"{on_call}@bench.example.org"}
    requests.put(f"{notify}/staff/{on_call}", json=email, headers=admin, timeout=10).raise_for_status()
    return on_call


def figures(stack: Stack, flags_per_second: float, seconds: float, load: BackgroundLoad | None = None) -> list[Figure]:
    on_call = _prepare_on_call(stack)
    intake = f"{stack.url('intake')}/api/v1"
    headers = stack.headers("intake")
    flags = len(intended_times(0, flags_per_second, seconds))
    with requests.Session() as session:  # a client of its own for each flag, registered beforehand
        clients = [clinic.register(session, intake, headers, "flag", n) for n in range(flags)]

    def raise_flag(index: int) -> str:
        with requests.Session() as session:
            result = clinic.screen(session, intake, headers, clients[index], clinic.RISK_SCREENING)
        return str(result["risk_flag"]["id"])

    stop = threading.Event()
    background: dict[str, Any] = {}
    chosen = load or background_load()

    def load_in_background() -> None:
        try:
            background.update(chosen(stack, stop))
        except Exception as error:  # noqa: BLE001 - the figures stand; the summary says the load failed
            background["failed"] = f"{error.__class__.__name__}: {error}"

    loader = threading.Thread(target=load_in_background, daemon=True)
    loader.start()
    try:
        times = intended_times(time.time() + 3, flags_per_second, seconds)  # after the load has settled in
        with open_loop_pool() as pool:
            sent = run_open_loop(raise_flag, times, pool)
            intended = {item.future.result(timeout=60): item.intended for item in sent}
        stored, accepted = _wait_for_alerts(stack, on_call, intended)
    finally:
        stop.set()
        loader.join(120)
    details = {
        "flags": len(intended),
        "flags_per_second": flags_per_second,
        "background": background,
        "measured_from": "the risk screening's intended send time",
    }
    return [
        *_percentile_figures("risk flag → alert stored", stored, ALERT_STORED_P99_MS, details),
        *_percentile_figures("risk flag → e-mail accepted", accepted, EMAIL_ACCEPTED_P99_MS, details),
    ]


def _wait_for_alerts(stack: Stack, on_call: str, intended: dict[str, float]) -> tuple[list[float], list[float]]:
    notify = f"{stack.url('notifications')}/api/v1"
    supervisor = stack.headers("supervisor")

    def delivered() -> tuple[list[float], list[float]] | None:
        alerts = requests.get(f"{notify}/alerts", headers=supervisor, timeout=30).json()
        ours = {a["id"]: a for a in alerts if a["flag_id"] in intended}
        query = {"type": "risk_alert", "recipient": on_call, "status": "sent"}
        sent = requests.get(f"{notify}/notifications", params=query, headers=supervisor, timeout=30).json()
        emails = {n["alert_id"]: n for n in sent if n["channel"] == "email" and n["alert_id"] in ours}
        if len(ours) < len(intended) or len(emails) < len(intended):
            return None
        stored = [(_seconds(a["raised_at"]) - intended[a["flag_id"]]) * 1000 for a in ours.values()]
        accepted = [
            (_seconds(emails[alert_id]["sent_at"]) - intended[alert["flag_id"]]) * 1000
            for alert_id, alert in ours.items()
        ]
        return stored, accepted

    found: tuple[list[float], list[float]] = wait_for(delivered, 180, "every alert and its e-mail", interval=1)
    return found


def _percentile_figures(name: str, latencies: list[float], p99_limit: float, details: dict[str, Any]) -> list[Figure]:
    values = summary(latencies)
    return [
        Figure(
            f"{name} {label}",
            values[label],
            "ms",
            target=Target(max_value=p99_limit) if label == "p99" else None,
            higher_is_better=False,
            details=details | {"max_ms": values["max"]} if label == "p99" else {},
        )
        for label in ("p50", "p95", "p99")
    ]
