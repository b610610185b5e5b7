"""The worker's watchdog: a consumer silent past its limit ends the process (to be restarted);
one that keeps reporting progress is left alone."""

from __future__ import annotations

import threading

import pytest

from shared import watchdog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_progress_counts_the_silence_since_the_last_beat():
    clock = Clock()
    progress = watchdog.Progress(clock)
    clock.now += 30
    assert progress.silent_for() == 30
    progress.beat()
    clock.now += 2
    assert progress.silent_for() == 2


def test_a_silent_consumer_ends_the_process_with_the_stalled_code():
    clock, ended, stop = Clock(), threading.Event(), threading.Event()
    codes: list[int] = []
    progress = watchdog.Progress(clock)
    clock.now += 11  # silent for 11 s, far past the limit

    def end_process(code: int) -> None:
        codes.append(code)
        ended.set()

    thread = watchdog.watch(progress, 0.04, stop, "test-consumer", end_process)  # checks every 0.01 s
    assert ended.wait(5)
    thread.join(5)
    stop.set()
    assert codes == [watchdog.STALLED_EXIT_CODE]


def test_a_consumer_that_keeps_beating_is_left_alone():
    stop = threading.Event()
    codes: list[int] = []
    progress = watchdog.Progress()
    thread = watchdog.watch(progress, 0.2, stop, "test-consumer", codes.append)
    for _ in range(20):
        progress.beat()
        stop.wait(0.02)
    stop.set()
    thread.join(5)
    assert codes == [] and not thread.is_alive()


def test_the_limit_comes_from_the_environment_and_must_be_positive():
    assert watchdog.stall_seconds({}) == watchdog.DEFAULT_STALL_SECONDS
    assert watchdog.stall_seconds({"CONSUMER_STALL_SECONDS": "45"}) == 45.0
    for bad in ("0", "-3", "soon"):
        with pytest.raises(ValueError, match="CONSUMER_STALL_SECONDS"):
            watchdog.stall_seconds({"CONSUMER_STALL_SECONDS": bad})
