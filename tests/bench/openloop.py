"""An open-loop load: requests go out on a fixed schedule whether or not earlier ones have answered,
and each latency is measured from the request's intended send time, so a stall shows in the
percentiles instead of slowing the load down (no coordinated omission).

The schedule and the percentiles are pure; `run_open_loop` takes its clock, sleep and executor, so
its logic is tested without time passing.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any


def intended_times(start: float, rate_per_second: float, duration_seconds: float) -> list[float]:
    """Evenly spaced send times from `start`, `rate_per_second` of them a second, for the duration."""
    if rate_per_second <= 0 or duration_seconds <= 0:
        return []
    count = int(math.floor(rate_per_second * duration_seconds + 1e-9))
    return [start + index / rate_per_second for index in range(count)]


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0–100): a value that was actually seen, never interpolated."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(latencies: Sequence[float]) -> dict[str, float]:
    return {f"p{q}": percentile(latencies, q) for q in (50, 95, 99)} | {"max": max(latencies)}


@dataclass
class Sent:
    """One request of the load: its intended send time, when it actually went, and what it gave."""

    index: int
    intended: float
    started: float
    future: Future[Any] = field(repr=False)


def run_open_loop(
    send: Callable[[int], Any],
    times: Sequence[float],
    executor: Executor,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    stop: threading.Event | None = None,
) -> list[Sent]:
    """Hands `send(index)` to the executor at each intended time; never waits for an answer before
    the next send. A late start (the machine was busy) sends at once and keeps the intended time."""
    sent: list[Sent] = []
    for index, intended in enumerate(times):
        delay = intended - clock()
        if delay > 0:
            sleep(delay)
        if stop is not None and stop.is_set():
            break
        sent.append(Sent(index, intended, clock(), executor.submit(send, index)))
    return sent


def open_loop_pool(max_in_flight: int = 64) -> ThreadPoolExecutor:
    """Enough threads that slow answers never hold back the schedule at the rates the bench uses."""
    return ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="open-loop")
