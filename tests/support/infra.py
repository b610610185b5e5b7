"""Real infrastructure for tests: a Kafka broker and a MongoDB-wire server in temporary folders.

They run on their own ports, so a `make run` stack on the default ports is left alone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import PROJECT_ROOT

LOG_DIR = PROJECT_ROOT / "test-artifacts" / "logs"


class GaveUp(RuntimeError):
    """A condition can no longer come true (a process died): stop polling at once."""


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    """Polls `condition` until it returns something truthy; fails with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except GaveUp:
            raise
        except Exception as error:  # noqa: BLE001 - keep polling; report the last one
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}; last error: {last_error!r}")


def free_port() -> int:
    """A port nothing uses now, below the ephemeral range, so parallel test runs never collide."""
    return free_port_block((0,))


def free_port_block(offsets: tuple[int, ...], low: int = 20000, high: int = 32000) -> int:
    """A base port such that base + each offset can be bound (services use port and port + 100).

    Chosen below Linux's ephemeral range (32768+), so outgoing connections never take them.
    """
    import random

    for _ in range(200):
        base = random.randrange(low, high)
        if all(_bindable(base + offset) for offset in offsets):
            return base
    raise RuntimeError("no free block of ports found")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class ManagedProcess:
    """A server started from one of the project's own launch scripts."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    start_timeout: float = 90.0
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = open(LOG_DIR / f"{self.name}-{self.port}.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            self.command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: self._alive() and port_open(self.port), self.start_timeout, f"{self.name} to listen")

    def _alive(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise GaveUp(f"{self.name} exited with {self.process.returncode}; see {LOG_DIR}")
        return True

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        wait_for(lambda: not port_open(self.port), 30, f"{self.name} port to close")


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env["PATH"] = f"{Path(os.sys.executable).parent}:{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def kafka_process(data_dir: Path, port: int, controller_port: int) -> ManagedProcess:
    env = base_env() | {
        "KAFKA_DATA_DIR": str(data_dir),
        "KAFKA_PORT": str(port),
        "KAFKA_CONTROLLER_PORT": str(controller_port),
    }
    return ManagedProcess("kafka", ["bash", "deploy/local/kafka.sh"], env, port)


def mongo_process(data_dir: Path, port: int) -> ManagedProcess:
    env = base_env() | {"MONGO_DATA_DIR": str(data_dir), "MONGO_PORT": str(port)}
    return ManagedProcess("mongo", ["bash", "deploy/local/mongo.sh"], env, port)
