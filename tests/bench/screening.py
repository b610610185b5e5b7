"""A screening POST through intake against its ceiling, a bare Flask endpoint doing one insert into
the same database under the same gunicorn settings: wrk, 8 connections, the two interleaved."""

from __future__ import annotations

import statistics
import tempfile
from typing import Any

import requests

from tests.bench import clinic
from tests.bench.figures import Figure, Target
from tests.bench.wrk import CONNECTIONS, WrkRun, lua_script, run_wrk
from tests.support.infra import ManagedProcess, base_env, free_port
from tests.support.stack import Stack

TARGET = Target(min_ratio=0.6)
CLIENTS = 40


def bare_endpoint(mongo_uri: str, stack: Stack) -> ManagedProcess:
    """The ceiling's web process: the services' gunicorn settings, as many workers as the stack's."""
    port = free_port()
    env = base_env() | {
        "MONGO_URI": mongo_uri,
        "WEB_CONCURRENCY": stack.env["WEB_CONCURRENCY"],
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="ipt-bench-bare-"),
    }
    env |= {k: stack.env[k] for k in ("WEB_THREADS",) if k in stack.env}
    command = ["gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    return ManagedProcess("bench-bare-endpoint", [*command, "tests.bench.bare_app:create_app()"], env, port)


def figures(stack: Stack, mongo_uri: str, rounds: int, seconds: int) -> list[Figure]:
    intake = f"{stack.url('intake')}/api/v1"
    headers = stack.headers("intake")
    with requests.Session() as session:
        clients = [clinic.register(session, intake, headers, "wrk", n) for n in range(CLIENTS)]
    intake_script = lua_script(
        [f"/api/v1/clients/{client}/screenings" for client in clients], clinic.PLAIN_SCREENING, stack.token("intake")
    )
    bare_script = lua_script(["/insert"], clinic.PLAIN_SCREENING, None)
    bare = bare_endpoint(mongo_uri, stack)
    bare.start()
    intake_runs: list[WrkRun] = []
    bare_runs: list[WrkRun] = []
    try:
        run_wrk(f"http://127.0.0.1:{bare.port}", bare_script, 2)  # warm both up, not counted
        run_wrk(stack.url("intake"), intake_script, 2)
        for number in range(rounds):
            # Interleaved, alternating which goes first, so a drift in the machine falls on both.
            pair = [
                (bare_runs, f"http://127.0.0.1:{bare.port}", bare_script),
                (intake_runs, stack.url("intake"), intake_script),
            ]
            for runs, url, script in pair if number % 2 == 0 else reversed(pair):
                runs.append(run_wrk(url, script, seconds))
    finally:
        bare.stop()
    intake_rate = statistics.median(run.requests_per_second for run in intake_runs)
    bare_rate = statistics.median(run.requests_per_second for run in bare_runs)
    details: dict[str, Any] = {
        "connections": CONNECTIONS,
        "rounds": rounds,
        "seconds_each": seconds,
        "intake_runs": [vars(run) for run in intake_runs],
        "bare_runs": [vars(run) for run in bare_runs],
    }
    errors = sum(run.non_2xx + run.socket_errors for run in intake_runs + bare_runs)
    note = f"{errors} errors in the runs" if errors else ""
    return [
        Figure(
            "screening POST through intake",
            intake_rate,
            "req/s",
            "bare Flask endpoint, one insert",
            bare_rate,
            TARGET,
            note=note,
            details=details,
        )
    ]
