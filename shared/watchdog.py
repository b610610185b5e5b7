"""Ends a worker whose consumer has stopped making progress, so its supervisor starts a fresh one.

kafka-python 3.0.12 can block a `poll` for good after the broker restarts under it: the consumer
thread waits on a request that neither answers nor fails, no error is raised, and the group's
events on that worker's partitions wait for ever. Nothing inside the process can unblock it, but a
new process joins the group and carries on from the last committed offsets (and the processed
markers make redelivery harmless). The consumer reports progress each time a poll returns and on
every retry while a dependency is away; silence for CONSUMER_STALL_SECONDS (120 unless set) means
it is stuck. This is the in-process form of a liveness probe.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

DEFAULT_STALL_SECONDS = 120.0
STALLED_EXIT_CODE = 70  # EX_SOFTWARE: the supervisor (or the orchestrator) restarts the process


def stall_seconds(env: Mapping[str, str] | None = None) -> float:
    value = (os.environ if env is None else env).get("CONSUMER_STALL_SECONDS", "")
    try:
        seconds = float(value) if value else DEFAULT_STALL_SECONDS
    except ValueError:
        raise ValueError(f"CONSUMER_STALL_SECONDS must be a number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise ValueError("CONSUMER_STALL_SECONDS must be more than 0")
    return seconds


class Progress:
    """When the watched loop last moved. Thread-safe enough: a float assignment is atomic."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.last = clock()

    def beat(self) -> None:
        self.last = self._clock()

    def silent_for(self) -> float:
        return self._clock() - self.last


def watch(
    progress: Progress,
    limit: float,
    stop: threading.Event,
    what: str,
    end_process: Callable[[int], object] = os._exit,
) -> threading.Thread:
    """Checks `progress` every few seconds until `stop`; past `limit` seconds of silence, logs why
    and ends the process at once (a blocked thread cannot be asked to stop)."""

    def loop() -> None:
        while not stop.wait(min(5.0, limit / 4)):
            silent = progress.silent_for()
            if silent > limit:
                log.critical(
                    "stalled: ending the process to be restarted", extra={"what": what, "silent_seconds": round(silent)}
                )
                logging.shutdown()
                end_process(STALLED_EXIT_CODE)
                return

    thread = threading.Thread(target=loop, name=f"watchdog-{what}", daemon=True)
    thread.start()
    return thread
