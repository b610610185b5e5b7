"""A stand-in for the four services that answers the simulator's calls from memory, recording them."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from simulator.transport import Response

ID = re.compile(r"/(client|ep|alert|flag|s)-[\w-]+")


class FakeClock:
    """Time that passes only when someone sleeps (or a call takes `call_seconds`)."""

    def __init__(self, call_seconds: float = 0.0) -> None:
        self.time, self.call_seconds = 1000.0, call_seconds
        self.lock = threading.Lock()

    def now(self) -> float:
        with self.lock:
            return self.time

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.time += max(0.0, seconds)


class FakeClinic:
    """Answers like the services do when all is well; the first episode poll and the first
    self-report of each client answer "not yet", as a service that has not caught up does."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.calls: list[tuple[str, str, str, str]] = []  # method, url, body, authorization
        self.clock = clock
        self.clients = 0
        self.flagged: set[str] = set()
        self.polled: set[str] = set()
        self.lock = threading.Lock()

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Response:
        with self.lock:
            query = "" if not params else "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
            self.calls.append((method, url + query, json.dumps(json_body, sort_keys=True), headers["Authorization"]))
            if self.clock is not None:
                self.clock.sleep(self.clock.call_seconds)
            return self._answer(method, url.split("/api/v1", 1)[1], json_body, params or {})

    def _answer(self, method: str, path: str, body: Any, params: dict[str, str]) -> Response:
        route = method + " " + ID.sub(r"/\1-*", path)
        if route == "POST /clients":
            self.clients += 1
            return Response(201, {"id": f"client-{self.clients}"})
        if route == "POST /clients/client-*/screenings":
            client = path.split("/")[2]
            risky = body["instrument"] == "cssrs_screen" or (body["instrument"] == "phq9" and body["answers"][8] > 0)
            if risky:
                self.flagged.add(client)
            return Response(201, {"risk_flag": {"id": f"flag-{client}"} if risky else None})
        if route == "PUT /sessions/s-*/record":  # intake raises the flag a session's PHQ-9 item 9 shows
            client = re.sub(r"^/sessions/s-ep-(client-\d+)-.*", r"\1", path)
            if any(m["instrument"] == "phq9" and m["answers"][8] > 0 for m in body["measures"]):
                self.flagged.add(client)
            return Response(200, {})
        if route == "GET /alerts":
            return Response(200, [{"id": f"alert-{c}", "client_id": c} for c in sorted(self.flagged)])
        if route == "GET /clients/client-*":
            client = path.split("/")[2]
            return Response(200, {"risk_flags": [{"id": f"flag-{client}", "open": client in self.flagged}]})
        if route == "POST /clients/client-*/risk-flags/flag-*/clear":
            self.flagged.discard(path.split("/")[2])
            return Response(200, {})
        if route == "GET /episodes":
            client = params["client_id"]
            if client not in self.polled:
                self.polled.add(client)
                return Response(200, [{"id": f"ep-{client}", "status": "pending"}])
            return Response(200, [{"id": f"ep-{client}", "status": "active"}])
        if route == "POST /episodes/ep-*/sessions":
            episode = path.split("/")[2]
            return Response(201, {"sessions": [{"id": f"s-{episode}-{n}"} for n in range(body["count"])]})
        if route == "POST /clients/client-*/measures":
            key = f"measures-{path}"
            if key not in self.polled:
                self.polled.add(key)
                return Response(404, {"message": "Not Found"})
            return Response(201, {})
        if method in ("POST", "PUT", "PATCH"):
            return Response(201 if method == "POST" else 200, {})
        return Response(404, {"message": f"no fake for {route}"})
