"""One fault run: a private stack under `ipt supervise` with two workers per service, the clinic
simulator at a steady rate, faults injected on a schedule while it runs, then (once everything has
settled) the ledger counted from the topics and the databases."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from shared.config import SERVICES
from shared.kafka import kafka_reachable
from simulator import Clinic, Endpoints, Response, Summary, Tokens, UrllibTransport
from tests.chaos import faults, ledger
from tests.support.stack import Stack, private_stack

# (fraction of the load's duration, kind, process). Kinds: broker, database (kill -9 of the group;
# the supervisor restarts it), consumer_worker (while its service is handling events), relay_worker
# (while its outbox has records to publish: between publish and mark, best effort), web_master (the
# gunicorn master and its workers), web_worker (one gunicorn worker, mid-request under load).
FULL_FAULTS: tuple[tuple[float, str, str], ...] = (
    (0.06, "broker", "kafka"),
    (0.14, "consumer_worker", "outcomes_worker_1"),
    (0.22, "web_worker", "intake_web"),
    (0.30, "broker", "kafka"),
    (0.38, "relay_worker", "intake_worker_2"),
    (0.46, "web_master", "sessions_web"),
    (0.54, "consumer_worker", "notifications_worker_2"),
    (0.62, "broker", "kafka"),
    (0.70, "database", "mongo"),
    (0.80, "relay_worker", "sessions_worker_1"),
)
REDUCED_FAULTS: tuple[tuple[float, str, str], ...] = (
    (0.15, "broker", "kafka"),
    (0.45, "consumer_worker", "outcomes_worker_1"),
    (0.70, "web_worker", "intake_web"),
)
# Under load on a small machine the consumers' backlog takes minutes to drain after the last fault.
SETTLE_TIMEOUT = 900.0
QUIET_SECONDS = 10.0  # no new e-mail for this long, nothing waiting: the system has settled


# Requests whose web process was killed under them: the connection drops, and that is all a client
# can be told. They are listed apart and do not fail the run; any other dropped call does.
IN_FLIGHT = "dropped in flight by a killed web process"
DROPPED_CONNECTION_ERRORS = frozenset({"RemoteDisconnected", "ConnectionResetError", "BrokenPipeError"})


@dataclass(frozen=True)
class Plan:
    duration: float  # seconds of load
    rate: float  # simulator calls a second, open loop
    clients: int  # at most (a new one arrives when no client is ready for the next call)
    sessions: int  # sessions per course
    faults: tuple[tuple[float, str, str], ...]
    workers: int = 2
    seed: int = 13


class RecordingTransport(UrllibTransport):
    """Keeps when each call was answered and how, so failures can be listed with their times."""

    def __init__(self, services_by_port: dict[str, str], timeout: float = 30.0) -> None:
        super().__init__(timeout)
        self.services_by_port = services_by_port
        self.failures: list[dict[str, Any]] = []
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    def send(self, method: str, url: str, **kwargs: Any) -> Response:
        response = super().send(method, url, **kwargs)
        with self._lock:
            self.statuses[response.status] += 1
            if response.status == 0 or response.status >= 500:
                service = self.services_by_port.get(_port_of(url), "?")
                self.failures.append(
                    {
                        "at": round(time.time(), 2),
                        "service": service,
                        "method": method,
                        "status": response.status,
                        "error": response.error,
                    }  # fmt: skip
                )
        return response


def _port_of(url: str) -> str:
    return url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]


@dataclass
class Outcome:
    plan: Plan
    summary: Summary
    ledger: ledger.Ledger
    faults: list[faults.Fault]
    failures: list[dict[str, Any]]
    statuses: dict[int, int]
    load_seconds: float
    settle_seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def client_errors(self) -> dict[str, int]:
        """Answers a client saw that are not clean: 5xx other than 503, and no answer by kind."""
        seen: Counter[str] = Counter()
        for failure in self.failures:
            if failure["status"] == 503:
                seen["503 (clean)"] += 1
            elif failure["status"]:
                seen[str(failure["status"])] += 1
            elif self._in_flight_at_a_kill(failure):
                seen[f"{IN_FLIGHT} ({failure['error']})"] += 1
            else:
                seen[f"no answer ({failure['error']})"] += 1
        return dict(seen)

    @property
    def bad_errors(self) -> int:
        return sum(n for kind, n in self.client_errors.items() if not kind.startswith(("503", IN_FLIGHT)))

    def _in_flight_at_a_kill(self, failure: dict[str, Any]) -> bool:
        """A connection dropped by the web process killed (-9) while it served the request: no one
        can answer that request. Refused connections and timeouts never count as such."""
        if failure["error"] not in DROPPED_CONNECTION_ERRORS:
            return False
        return any(
            fault.kind in ("web_master", "web_worker")
            and fault.target.startswith(f"{failure['service']}_")
            and fault.killed_at - 0.1 <= failure["at"] <= (fault.restarted_at or fault.killed_at) + 1.0
            for fault in self.faults
        )


def run(plan: Plan, root: Path, log: Any = print) -> Outcome:
    root.mkdir(parents=True, exist_ok=True)
    stack = private_stack(root, plan.workers)
    log(f"starting a private stack under ipt supervise in {root} (log: {stack.log_path})")
    stack.start(timeout=240)
    try:
        return _under_load(plan, stack, log)
    finally:
        stack.stop()


def _under_load(plan: Plan, stack: Stack, log: Any) -> Outcome:
    mongo: MongoClient[dict[str, Any]] = MongoClient(stack.env["MONGO_URI"], serverSelectionTimeoutMS=3000)
    dbs = {service: mongo[f"{stack.env['MONGO_DB_PREFIX']}_{service}"] for service in SERVICES}
    transport = RecordingTransport({str(port): service for service, port in stack.ports.items()})
    clinic = Clinic(
        plan.seed,
        transport,
        Endpoints({service: stack.url(service) for service in SERVICES}),
        Tokens(stack.env["IPT_JWT_SECRET"]),
        sessions_per_course=plan.sessions,
    )
    summaries: list[Summary] = []
    load = threading.Thread(
        target=lambda: summaries.append(clinic.run(plan.clients, rate=plan.rate, duration=plan.duration)), daemon=True
    )
    began = time.time()
    log(f"load: {plan.rate:g} calls/s for {plan.duration:g} s; {len(plan.faults)} faults")
    load.start()
    injected: list[faults.Fault] = []
    for fraction, kind, target in plan.faults:
        wait = began + fraction * plan.duration - time.time()
        if wait > 0:
            time.sleep(wait)
        fault = _inject(kind, target, stack, dbs)
        injected.append(fault)
        log(f"fault {kind} {target}: restarted after "
            f"{fault.as_dict()['restart_after_seconds']} s, recovered {fault.recovery_seconds} s later")  # fmt: skip
    load.join()
    load_seconds = time.time() - began
    log(f"load done after {load_seconds:.0f} s; waiting for the system to settle")
    settle_began = time.time()
    _settle(stack, dbs, log)
    settle_seconds = time.time() - settle_began
    counted = ledger.count(
        stack.env["KAFKA_BOOTSTRAP_SERVERS"], stack.env["MONGO_URI"], stack.env["MONGO_DB_PREFIX"], stack.mail_dir
    )
    mongo.close()
    return Outcome(
        plan, summaries[0], counted, injected, transport.failures, dict(transport.statuses), load_seconds,
        settle_seconds,
    )  # fmt: skip


def _inject(kind: str, target: str, stack: Stack, dbs: dict[str, Any]) -> faults.Fault:
    pid_dir = stack.pid_dir
    assert pid_dir is not None  # noqa: S101 - a private stack is supervised
    service = target.split("_", 1)[0]
    fault = faults.Fault(kind, target)
    if kind == "relay_worker":
        busy = faults.first_success(faults.outbox_busy(dbs[service]), timeout=30)
        fault.detail["outbox_pending_when_killed"] = busy is not None
    if kind == "consumer_worker":
        busy = faults.first_success(faults.event_handled_after(dbs[service], time.time() - 0.5), timeout=30)
        fault.detail["handling_when_killed"] = busy is not None
    fault.killed_at = time.time()
    if kind == "web_worker":
        master, killed = faults.kill_web_worker(pid_dir, target)
        workers = int(stack.env.get("WEB_CONCURRENCY", "2"))
        fault.restarted_at = faults.wait_web_worker_replaced(pid_dir, target, killed, workers)
        fault.detail["gunicorn_master"] = master
    else:
        old = faults.kill_group(pid_dir, target)
        fault.restarted_at = faults.wait_restarted(pid_dir, target, old)
    since = fault.restarted_at
    if kind in ("web_worker", "web_master"):
        fault.recovered_at = faults.first_success(faults.answers(stack.url(service)))
    elif kind == "database":
        ready = [faults.answers(stack.url(s)) for s in SERVICES]
        handled = [faults.event_handled_after(db, since) for db in dbs.values()]
        fault.recovered_at = faults.first_success(lambda: all(r() for r in ready) and any(h() for h in handled))
    elif kind == "broker":
        # The JVM's start is the broker's own; consumers are judged from when it answers again.
        bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
        fault.reachable_at = faults.first_success(lambda: kafka_reachable(bootstrap) or True)
        handled = [faults.event_handled_after(db, since) for db in dbs.values()]
        fault.recovered_at = faults.first_success(lambda: any(h() for h in handled))
    else:
        fault.recovered_at = faults.first_success(faults.event_handled_after(dbs[service], since))
    return fault


def _settle(stack: Stack, dbs: dict[str, Any], log: Any) -> None:
    """Until every outbox is empty, every event published has been handled by each group that
    consumes it, and no e-mail has been written for QUIET_SECONDS; or SETTLE_TIMEOUT. (Timers keep
    escalating unacknowledged alerts, so the databases themselves never fall quite still.)"""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    last_mails, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        try:
            pending = sum(db["outbox"].count_documents({"status": "pending"}) for db in dbs.values())
            counted = ledger.count(
                stack.env["KAFKA_BOOTSTRAP_SERVERS"],
                stack.env["MONGO_URI"],
                stack.env["MONGO_DB_PREFIX"],
                stack.mail_dir,
            )
        except Exception as error:  # noqa: BLE001 - the database or broker may still be coming back
            log(f"settling: {type(error).__name__}")
            time.sleep(2)
            continue
        mails = counted.emails
        if mails != last_mails:
            last_mails, quiet_since = mails, time.monotonic()
        waiting = sum(len(ids) for ids in counted.lost.values())
        log(f"settling: {pending} outbox records pending, {waiting} events not yet handled, {mails} e-mails")
        if pending == 0 and waiting == 0 and time.monotonic() - quiet_since >= QUIET_SECONDS:
            return
        time.sleep(3)
    log("the system did not settle in time: counting anyway")
