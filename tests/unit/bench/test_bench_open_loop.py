"""The open-loop scheduler: sends on a fixed schedule without waiting for answers, late sends keep
their intended time, and percentiles are values that were seen. A fake clock: no time passes."""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future

import pytest

from tests.bench.openloop import intended_times, percentile, run_open_loop, summary


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class NeverAnswers(Executor):
    """Takes every request and answers none: an open loop must keep sending regardless."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.submitted: list[tuple[int, float]] = []

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN201 - Executor's signature
        self.submitted.append((args[0], self.clock.now))
        return Future()


def test_the_schedule_is_evenly_spaced_at_the_rate_for_the_duration():
    assert intended_times(10.0, 4, 1) == [10.0, 10.25, 10.5, 10.75]
    assert len(intended_times(0.0, 2, 90)) == 180
    assert intended_times(0.0, 0, 10) == []


def test_requests_go_out_on_schedule_though_none_has_answered():
    clock = FakeClock()
    executor = NeverAnswers(clock)
    sent = run_open_loop(lambda i: i, intended_times(1001.0, 2, 2), executor, clock, clock.sleep)
    assert executor.submitted == [(0, 1001.0), (1, 1001.5), (2, 1002.0), (3, 1002.5)]
    assert [item.intended for item in sent] == [1001.0, 1001.5, 1002.0, 1002.5]


def test_a_late_send_goes_at_once_and_keeps_its_intended_time():
    clock = FakeClock(now=1003.2)  # the machine stalled past the first three send times
    executor = NeverAnswers(clock)
    sent = run_open_loop(lambda i: i, [1001.0, 1002.0, 1003.0, 1004.0], executor, clock, clock.sleep)
    assert [at for _, at in executor.submitted] == [1003.2, 1003.2, 1003.2, 1004.0]
    assert [item.intended for item in sent] == [1001.0, 1002.0, 1003.0, 1004.0]
    assert clock.sleeps == [pytest.approx(0.8)]


def test_a_stop_ends_the_load_before_the_next_send():
    clock = FakeClock()
    stop = threading.Event()
    executor = NeverAnswers(clock)

    def stop_after_second(seconds: float) -> None:
        clock.sleep(seconds)
        if len(executor.submitted) == 2:
            stop.set()

    run_open_loop(lambda i: i, [1001.0, 1002.0, 1003.0, 1004.0], executor, clock, stop_after_second, stop)
    assert len(executor.submitted) == 2


def test_percentiles_are_nearest_rank_values_that_were_seen():
    latencies = [float(n) for n in range(1, 101)]
    assert percentile(latencies, 50) == 50.0
    assert percentile(latencies, 99) == 99.0
    assert summary([5.0, 1.0, 3.0]) == {"p50": 3.0, "p95": 5.0, "p99": 5.0, "max": 5.0}
    with pytest.raises(ValueError):
        percentile([], 50)
