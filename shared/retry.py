"""One retry helper for every loop that waits out a fault: relay, consumer, worker, handlers.

It stops waiting the moment the process is asked to stop, so a SIGTERM never sits out a backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
ShouldRetry = Callable[[BaseException, int], bool]
OnFailure = Callable[[BaseException, int, float], None]


class Stopped(Exception):
    """The stop flag was set before the action succeeded."""


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: `initial`, doubling, never above `maximum` (seconds)."""

    initial: float = 0.2
    maximum: float = 30.0

    def delay(self, attempt: int) -> float:
        # The exponent is capped: a relay retrying through a long outage counts thousands of
        # attempts, and 2.0 ** 1024 overflows.
        return min(self.maximum, self.initial * 2.0 ** min(attempt - 1, 64))


IMMEDIATE = Backoff(0.0, 0.0)


def always(_error: BaseException, _attempt: int) -> bool:
    return True


def retry(
    action: Callable[[], T],
    *,
    should_retry: ShouldRetry = always,
    backoff: Backoff = Backoff(),
    stop: threading.Event | None = None,
    on_failure: OnFailure | None = None,
) -> T:
    """Runs `action` until it succeeds. An error `should_retry` refuses is raised as it is;
    `Stopped` is raised when `stop` is set before success."""
    attempt = 0
    while True:
        if stop is not None and stop.is_set():
            raise Stopped()
        attempt += 1
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - sorted by should_retry
            if not should_retry(error, attempt):
                raise
            delay = backoff.delay(attempt)
            if on_failure is not None:
                on_failure(error, attempt, delay)
        if stop is None:
            time.sleep(delay)
        elif stop.wait(delay):
            raise Stopped()


def on_conflict(kinds: tuple[type[BaseException], ...], attempts: int) -> ShouldRetry:
    """Retry a use case that lost a race (`kinds`), up to `attempts` tries in all."""
    return lambda error, attempt: isinstance(error, kinds) and attempt < attempts
