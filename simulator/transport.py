"""How the simulator speaks HTTP: a small requests-like protocol, and urllib behind it.

The standard library only (the platform's runtime has no HTTP client library): one connection per
request, no keep-alive, which is simple and what a clinic's many separate users look like anyway.
Unit tests pass a fake with the same `send`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

# No answer at all (refused, reset, timed out): reported as status 0.
NO_ANSWER = 0


@dataclass(frozen=True)
class Response:
    status: int
    body: Any = None  # the parsed JSON answer, or None
    error: str | None = None  # why there was no answer (status 0)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Transport(Protocol):
    def send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Response: ...


class UrllibTransport:
    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Response:
        if params:
            url = f"{url}?{urllib.parse.urlencode(params)}"
        data = None if json_body is None else json.dumps(json_body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))  # noqa: S310 - http only
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return Response(answer.status, _parsed(answer.read()))
        except urllib.error.HTTPError as refused:
            return Response(refused.code, _parsed(refused.read()))
        except (OSError, TimeoutError) as failed:  # URLError is an OSError
            return Response(NO_ANSWER, error=type(failed).__name__)


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
