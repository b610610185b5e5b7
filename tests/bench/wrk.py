"""HTTP throughput with wrk (Debian's `wrk`, installed by deploy/local/bench-deps.sh): a Lua script
sends the POST body with its bearer token, rotating over a list of paths; runs of the platform and of
its ceiling are interleaved so both see the same machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONNECTIONS = 8
THREADS = 2


@dataclass(frozen=True)
class WrkRun:
    requests_per_second: float
    requests: int
    non_2xx: int
    socket_errors: int


def lua_script(paths: list[str], body: dict[str, Any] | None, token: str | None) -> str:
    """A wrk script: POST `body` as JSON (with `Authorization: Bearer token` when given) to each of
    `paths` in turn."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {_lua_string(json.dumps(body or {}))}",
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    if token:
        lines.append(f'wrk.headers["Authorization"] = {_lua_string("Bearer " + token)}')
    lines += [
        f"local paths = {{{quoted}}}",
        "local next_path = 0",
        "request = function()",
        "  next_path = next_path % #paths + 1",
        "  return wrk.format(nil, paths[next_path])",
        "end",
    ]
    return "\n".join(lines) + "\n"


def _lua_string(text: str) -> str:
    """A Lua long string cannot be ended by JSON text, whatever it holds, with enough `=` signs."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def parse_output(output: str) -> WrkRun:
    """Reads wrk's summary: requests/s, requests, non-2xx/3xx answers, socket errors."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if rate is None or total is None:
        raise ValueError(f"not a wrk summary: {output[-400:]!r}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkRun(
        requests_per_second=float(rate.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk_binary() -> str:
    found = os.environ.get("WRK_BIN") or shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is missing: run `bash deploy/local/bench-deps.sh` (make bench does)")
    return found


def run_wrk(base_url: str, script: str, seconds: int, connections: int = CONNECTIONS) -> WrkRun:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = Path(handle.name)
    try:
        completed = subprocess.run(  # noqa: S603 - our own arguments
            [
                wrk_binary(),
                f"-t{min(THREADS, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script_path),
                base_url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        script_path.unlink(missing_ok=True)
    return parse_output(completed.stdout)
