"""When the database is down, say so at once: a 503 with Retry-After instead of every request
waiting for the driver to give up.

After a request finds the database unreachable the circuit opens: for `open_seconds` the requests
that need the database are answered 503 without trying. Then they are let through again; the first
to fail opens it once more, the first to succeed finds the database back. One circuit per web
process (each gunicorn worker learns for itself, within a second).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

DEFAULT_OPEN_SECONDS = 2.0


class DatabaseUnavailable(Exception):
    """Raised instead of trying while the circuit is open; answered 503 like the driver's errors."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the database is unavailable")
        self.retry_after = retry_after


class DatabaseCircuit:
    def __init__(self, open_seconds: float = DEFAULT_OPEN_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.open_seconds = open_seconds
        self._clock = clock
        self._open_until = float("-inf")
        self._lock = threading.Lock()

    def trip(self) -> None:
        """The database just failed a request: refuse the next ones for a while."""
        with self._lock:
            self._open_until = self._clock() + self.open_seconds

    def check(self) -> None:
        """Raises DatabaseUnavailable while open; returns when requests may try the database."""
        left = self._open_until - self._clock()
        if left > 0:
            raise DatabaseUnavailable(retry_after_seconds(left))

    @property
    def is_open(self) -> bool:
        return self._open_until > self._clock()

    def retry_after(self) -> int:
        """Whole seconds until requests try again (the full wait if it is not open yet)."""
        left = self._open_until - self._clock()
        return retry_after_seconds(left if left > 0 else self.open_seconds)


def retry_after_seconds(wait: float) -> int:
    # Retry-After takes whole seconds: round up, and never tell a client to retry at once.
    return max(1, math.ceil(wait))
