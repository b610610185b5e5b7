"""The four services, the local e-mail and SMS stand-ins, Prometheus and Alertmanager, started by
honcho from the same Procfile as `make run`, against test infra. Notifications and monitoring run
with short timings here (delivery rounds, retries, urgent escalation, scrapes, alert rules), so tests
see in seconds what takes minutes in production.

`private_stack` is a stack with its own broker and database as well, all under `ipt supervise`
(which restarts what dies) with two workers per service: what the fault runs (tests/chaos) kill."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import requests

from shared.auth import issue_token
from shared.config import PROJECT_ROOT, SERVICES
from tests.support.infra import LOG_DIR, GaveUp, base_env, free_port, free_port_block, port_open, wait_for

SERVICE_PROCESSES = ["mail", "sms", "prometheus", "alertmanager"] + [
    f"{name}_{kind}" for name in SERVICES for kind in ("web", "worker")
]
# An unacknowledged urgent alert climbs a level every 12 seconds in the test stack (15 minutes in production).
URGENT_ESCALATION_MINUTES = 0.2


@dataclass
class Stack:
    ports: dict[str, int]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    processes: list[str] = field(default_factory=lambda: list(SERVICE_PROCESSES))
    # 0: run by honcho (one death stops all); 1 or more: by `ipt supervise` with this many workers each.
    workers: int = 0
    pid_dir: Path | None = None  # where the supervisor writes each process's group id

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def mail_dir(self) -> Path:
        """The Maildir the SMTP sink writes every e-mail into."""
        return Path(self.env["MAIL_DIR"])

    @property
    def sms_dir(self) -> Path:
        """The folder the SMS stand-in writes every text message into."""
        return Path(self.env["SMS_DIR"])

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.env['PROMETHEUS_PORT']}"

    @property
    def alertmanager_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ALERTMANAGER_PORT']}"

    @property
    def sms_url(self) -> str:
        return f"http://127.0.0.1:{self.env['SMS_PORT']}"

    def token(self, role: str, sub: str = "test-user") -> str:
        return issue_token(self.env["IPT_JWT_SECRET"], sub, role)

    def headers(self, role: str, sub: str = "test-user") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, sub)}"}

    def start(self, timeout: float = 120.0) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - handed to honcho
        if self.workers:
            command = ["ipt", "supervise", "-f", "deploy/local/Procfile", "--scale", f"worker={self.workers}"]
            command += ["--pid-dir", str(self.pid_dir)] if self.pid_dir else []
        else:
            command = ["honcho", "start", "-f", "deploy/local/Procfile", "-d", "."]
        self.process = subprocess.Popen(
            [*command, *self.processes],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._all_ready, timeout, "every service's /readyz to answer 200", interval=0.5)

    def _all_ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise GaveUp(f"the stack's supervisor exited; see {self.log_path}")
        if not (port_open(int(self.env["SMTP_PORT"])) and port_open(int(self.env["SMS_PORT"]))):
            return False
        monitors = (self.prometheus_url, self.alertmanager_url) if "prometheus" in self.processes else ()
        for monitor in monitors:
            try:
                if requests.get(f"{monitor}/-/ready", timeout=3).status_code != 200:
                    return False
            except requests.RequestException:
                return False
        for service in SERVICES:
            try:
                if requests.get(f"{self.url(service)}/readyz", timeout=3).status_code != 200:
                    return False
            except requests.RequestException:
                return False
        return True

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # The supervisor takes SIGTERM alone and stops each group itself; honcho's group gets it whole.
        if self.workers:
            self.process.send_signal(signal.SIGTERM)
        else:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


def make_stack(kafka_bootstrap: str, mongo_uri: str, metrics_dir: Path, base_port: int) -> Stack:
    ports = {name: base_port + index for index, name in enumerate(SERVICES, start=1)}
    env = base_env() | {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "MONGO_URI": mongo_uri,
        "MONGO_DB_PREFIX": f"e2e{secrets.token_hex(3)}",
        "METRICS_DIR": str(metrics_dir),
        "IPT_JWT_SECRET": secrets.token_urlsafe(32),
        "OUTBOX_POLL_SECONDS": "0.1",
        "WEB_CONCURRENCY": "2",
        "SMTP_PORT": str(free_port()),
        "SMS_PORT": str(free_port()),
        "MAIL_DIR": tempfile.mkdtemp(prefix="ipt-mail-"),
        "SMS_DIR": tempfile.mkdtemp(prefix="ipt-sms-"),
        "NOTIFICATION_DELIVERY_SECONDS": "0.25",
        "ALERT_ESCALATION_CHECK_SECONDS": "1",
        "ALERT_ESCALATION_MINUTES": f"urgent={URGENT_ESCALATION_MINUTES}",
        "DELIVERY_RETRY_SECONDS": "0.5/3",
        # Monitoring: scraped, evaluated and measured every 2 seconds, alerts mailed a second after they
        # fire, so tests see in seconds what ops see within a minute.
        "PROMETHEUS_PORT": str(free_port()),
        "ALERTMANAGER_PORT": str(free_port()),
        "PROMETHEUS_DATA_DIR": tempfile.mkdtemp(prefix="ipt-prometheus-"),
        "ALERTMANAGER_DATA_DIR": tempfile.mkdtemp(prefix="ipt-alertmanager-"),
        "PROMETHEUS_SCRAPE_INTERVAL": "2s",
        "PROMETHEUS_EVALUATION_INTERVAL": "2s",
        "ALERTMANAGER_GROUP_WAIT": "1s",
        "ALERTMANAGER_GROUP_INTERVAL": "2s",
        "KAFKA_METRICS_SECONDS": "2",
        # No API rate limits: every request comes from 127.0.0.1, and the contract fuzzer alone sends
        # thousands a minute. The limits have tests of their own (tests/unit/shared/test_shared_rate_limit.py).
        "API_RATE_PER_USER": "0",
        "API_RATE_PER_ADDRESS": "0",
    }
    env |= {f"{name.upper()}_PORT": str(port) for name, port in ports.items()}
    return Stack(ports=ports, env=env, log_path=LOG_DIR / f"stack-{base_port}.log")


# A service's web on base + 1…4, its workers' metrics on 100 and (the second worker) 110 further on.
WEB_AND_WORKER_PORTS = tuple(offset + n for n in (1, 2, 3, 4) for offset in (0, 100, 110))


def private_stack(root: Path, workers: int = 2) -> Stack:
    """Kafka, the database, the mail and SMS stand-ins, and every service's web and `workers`
    workers, on free ports with their data under `root`, all run by `ipt supervise`."""
    kafka_port, controller_port, mongo_port = free_port(), free_port(), free_port()
    stack = make_stack(
        f"127.0.0.1:{kafka_port}",
        f"mongodb://127.0.0.1:{mongo_port}/",
        root / "metrics",
        free_port_block(WEB_AND_WORKER_PORTS),
    )
    for folder in ("mail", "sms"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    stack.env |= {
        "KAFKA_PORT": str(kafka_port),
        "KAFKA_CONTROLLER_PORT": str(controller_port),
        "KAFKA_DATA_DIR": str(root / "kafka"),
        "MONGO_PORT": str(mongo_port),
        "MONGO_DATA_DIR": str(root / "mongo"),
        "MAIL_DIR": str(root / "mail"),
        "SMS_DIR": str(root / "sms"),
    }
    stack.processes = ["kafka", "mongo", "mail", "sms"] + [
        f"{name}_{kind}" for name in SERVICES for kind in ("web", "worker")
    ]
    stack.workers, stack.pid_dir = workers, root / "pids"
    stack.log_path = root / "stack.log"
    return stack
