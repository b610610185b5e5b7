"""Why a screening POST costs what it does: the database commands one makes, counted in process on
the bench's own database, and the share of its time they take, beside the bare endpoint's one insert.

Run in this process (intake's app through Flask's test client, real repositories), with a pymongo
command listener on a client of its own: nothing else the bench measures is slowed by the listener.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from pymongo import monitoring

from services.intake import bootstrap
from shared.auth import issue_token
from shared.config import Settings
from tests.bench import clinic
from tests.bench.figures import Figure

SECRET = "bench-round-trips-secret-long-enough-for-hs256"
WARM_UP, MEASURED = 5, 40


class _Commands(monitoring.CommandListener):
    """Counts the commands, and their time, of the clients made after it is registered."""

    def __init__(self) -> None:
        self.counting = False
        self.counts: Counter[str] = Counter()
        self.micros: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        return None

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if self.counting:
            self.counts[event.command_name] += 1
            self.micros[event.command_name] += event.duration_micros

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        if self.counting:
            self.counts[f"failed {event.command_name}"] += 1


def figures(mongo_uri: str) -> list[Figure]:
    commands = _Commands()
    monitoring.register(commands)
    # A URI of its own, so the app gets a new client (clients are cached by URI), made after the listener.
    separate = f"{mongo_uri.rstrip('/')}/?appname=bench-round-trips"
    env = {
        "MONGO_URI": separate,
        "MONGO_DB_PREFIX": "bench_round_trips",
        "IPT_JWT_SECRET": SECRET,
        "LOG_LEVEL": "WARNING",
    }
    web = bootstrap.create_app(Settings.from_env("intake", env=env)).test_client()
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'bench-intake', 'intake')}"}
    clients = [_register(web, headers, n) for n in range(WARM_UP + MEASURED)]
    for client in clients[:WARM_UP]:
        _screen(web, headers, client)
    commands.counting = True
    started = time.perf_counter()
    for client in clients[WARM_UP:]:
        _screen(web, headers, client)
    seconds = (time.perf_counter() - started) / MEASURED
    commands.counting = False
    per_request = {name: count / MEASURED for name, count in sorted(commands.counts.items())}
    database_ms = sum(commands.micros.values()) / MEASURED / 1000
    total_ms = seconds * 1000
    details: dict[str, Any] = {"commands_per_request": per_request, "screenings": MEASURED}
    return [
        Figure(
            "database commands per screening POST (in process)",
            sum(per_request.values()),
            "commands",
            "the bare endpoint's one insert",
            1.0,
            higher_is_better=False,
            note=", ".join(f"{name} {count:g}" for name, count in per_request.items()),
            details=details,
        ),
        Figure(
            "database time per screening POST (in process)",
            database_ms,
            "ms",
            "the whole request, in process",
            total_ms,
            higher_is_better=False,
            details=details,
        ),
    ]


def _register(web: Any, headers: dict[str, str], number: int) -> str:
    answer = web.post("/api/v1/clients", json=clinic.registration("trips", number), headers=headers)
    if answer.status_code != 201:
        raise RuntimeError(f"registering answered {answer.status_code}")
    return str(answer.get_json()["id"])


def _screen(web: Any, headers: dict[str, str], client: str) -> None:
    answer = web.post(f"/api/v1/clients/{client}/screenings", json=clinic.PLAIN_SCREENING, headers=headers)
    if answer.status_code != 201:
        raise RuntimeError(f"screening answered {answer.status_code}")
