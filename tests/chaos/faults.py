"""Faults injected into a private stack run by `ipt supervise`, and how long each took to mend.

The supervisor writes each process's group id to `<pid_dir>/<name>.pid` and a new one when it
restarts it; a fault is a `kill -9`, of the whole group (the broker, the database, a worker, a web
master) or of one gunicorn worker (its master replaces it; the supervisor sees nothing).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.support.infra import wait_for


@dataclass
class Fault:
    kind: str  # broker, consumer_worker, relay_worker, web_worker, web_master, database
    target: str  # the Procfile process (and instance)
    killed_at: float = 0.0  # wall-clock seconds
    restarted_at: float | None = None  # when the supervisor (or the gunicorn master) started it again
    recovered_at: float | None = None  # the first successful request or event after that
    reachable_at: float | None = None  # a restarted broker first answered (its own start is over)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def recovery_seconds(self) -> float | None:
        if self.recovered_at is None:
            return None
        return round(self.recovered_at - (self.restarted_at or self.killed_at), 2)

    @property
    def resumed_after_reachable_seconds(self) -> float | None:
        """From the broker answering again to the next event handled: the consumers' own part."""
        if self.recovered_at is None or self.reachable_at is None:
            return None
        return round(max(self.recovered_at - self.reachable_at, 0.0), 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "killed_at": round(self.killed_at, 2),
            "restart_after_seconds": None
            if self.restarted_at is None
            else round(self.restarted_at - self.killed_at, 2),
            "recovery_seconds": self.recovery_seconds,
            "reachable_after_restart_seconds": None
            if self.reachable_at is None or self.restarted_at is None
            else round(self.reachable_at - self.restarted_at, 2),
            "resumed_after_reachable_seconds": self.resumed_after_reachable_seconds,
            **self.detail,
        }


def group_id(pid_dir: Path, name: str) -> int:
    return int((pid_dir / f"{name}.pid").read_text())


def kill_group(pid_dir: Path, name: str) -> int:
    """kill -9 of a supervised process and everything in its group; the pid it had."""
    pgid = group_id(pid_dir, name)
    os.killpg(pgid, signal.SIGKILL)
    return pgid


def wait_restarted(pid_dir: Path, name: str, old: int, timeout: float = 120.0) -> float:
    wait_for(lambda: group_id(pid_dir, name) != old, timeout, f"the supervisor to restart {name}", interval=0.05)
    return time.time()


def _processes_in_group(pgid: int) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every live process in a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append((int(entry.name), int(fields[1]), command))
    return found


def gunicorn_pids(pid_dir: Path, name: str) -> tuple[int, list[int]]:
    """The master and the workers of a supervised gunicorn (not the shell that may have started it)."""
    processes = [
        (pid, ppid)
        for pid, ppid, command in _processes_in_group(group_id(pid_dir, name))
        if "gunicorn" in command and not command.startswith(("/bin/sh", "sh "))
    ]
    pids = {pid for pid, _ in processes}
    [master] = [pid for pid, ppid in processes if ppid not in pids]
    return master, [pid for pid, ppid in processes if ppid == master]


def kill_web_worker(pid_dir: Path, name: str) -> tuple[int, int]:
    """kill -9 of one gunicorn worker (mid-request under load); (master, the worker killed)."""
    master, workers = gunicorn_pids(pid_dir, name)
    os.kill(workers[0], signal.SIGKILL)
    return master, workers[0]


def wait_web_worker_replaced(pid_dir: Path, name: str, killed: int, count: int, timeout: float = 60.0) -> float:
    def replaced() -> bool:
        _, workers = gunicorn_pids(pid_dir, name)
        return killed not in workers and len(workers) >= count

    wait_for(replaced, timeout, f"{name}'s master to replace its worker", interval=0.05)
    return time.time()


def first_success(probe: Callable[[], bool], timeout: float = 300.0) -> float | None:
    """When `probe` first succeeds (polled every 0.1 s), or None if it never does in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return time.time()
        except Exception:  # noqa: BLE001, S110 - not yet: the fault has not mended
            pass
        time.sleep(0.1)
    return None


def answers(url: str) -> Callable[[], bool]:
    """A request to a service is answered 200 (its /readyz: database and broker reachable)."""
    return lambda: requests.get(f"{url}/readyz", timeout=2).status_code == 200


def event_handled_after(db: Any, since: float) -> Callable[[], bool]:
    """A service's consumer marked an event processed after `since` (wall clock)."""
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(since, UTC)
    return lambda: db["processed_events"].find_one({"processed_at": {"$gt": moment}}) is not None


def outbox_busy(db: Any) -> Callable[[], bool]:
    """The relay has records to publish: a kill now falls between publish and mark, or just before."""
    return lambda: db["outbox"].count_documents({"status": "pending"}, limit=1) > 0
