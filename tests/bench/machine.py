"""What the figures were measured on: CPU, cores, memory, OS, Python, Kafka, the database, when, and
at which commit."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from shared.config import PROJECT_ROOT


def _first(path: str, pattern: str) -> str | None:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return None
    return match.group(1).strip() if match else None


def _kafka_version() -> str:
    libs = PROJECT_ROOT / ".local" / "kafka" / "libs"
    for jar in sorted(libs.glob("kafka-server-[0-9]*.jar")) + sorted(libs.glob("kafka-clients-[0-9]*.jar")):
        return jar.stem.rsplit("-", 1)[1]
    return "unknown"


def _git_commit() -> str:
    try:
        head = subprocess.run(  # noqa: S603, S607 - a fixed command
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603, S607
            ["git", "status", "--porcelain"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


def _database_version(db: Any) -> str:
    try:
        info = db.client.server_info()
    except Exception:  # noqa: BLE001 - the details are informative only
        return "unknown"
    try:
        server = f"SecantusDB {metadata.version('secantusdb')}"
    except metadata.PackageNotFoundError:
        server = "MongoDB-wire server"
    return f"{server}, reporting MongoDB {info.get('version', '?')}"


def details(db: Any) -> dict[str, Any]:
    memory_kb = _first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    return {
        "cpu": _first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "ram_gb": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb else None,
        "os": _first("/etc/os-release", r'^PRETTY_NAME="?([^"\n]+)') or platform.platform(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "kafka": _kafka_version(),
        "kafka_python": metadata.version("kafka-python"),
        "database": _database_version(db),
        "pymongo": metadata.version("pymongo"),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": load_average(),
        "git_commit": _git_commit(),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine shows in every figure."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())
