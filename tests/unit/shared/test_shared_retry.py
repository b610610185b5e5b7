"""The one retry helper: backoff, which errors are retried, and stopping while waiting."""

from __future__ import annotations

import threading

import pytest

from shared.retry import IMMEDIATE, Backoff, Stopped, on_conflict, retry


class Flaky:
    """Fails `failures` times with `error`, then answers."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "done"


def test_backoff_doubles_up_to_its_maximum_and_survives_a_long_outage():
    backoff = Backoff(0.5, 5.0)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 5.0]
    assert backoff.delay(100_000) == 5.0


def test_retries_until_the_action_succeeds_and_reports_each_failure():
    action, seen = Flaky(3, ConnectionError("down")), []
    result = retry(action, backoff=IMMEDIATE, on_failure=lambda error, attempt, delay: seen.append(attempt))
    assert result == "done" and action.calls == 4 and seen == [1, 2, 3]


def test_an_error_it_should_not_retry_is_raised_at_once():
    action = Flaky(5, KeyError("bug"))
    with pytest.raises(KeyError):
        retry(action, should_retry=lambda error, attempt: isinstance(error, ConnectionError), backoff=IMMEDIATE)
    assert action.calls == 1


def test_a_lost_race_is_retried_a_bounded_number_of_times():
    action = Flaky(5, ConnectionResetError("race"))
    with pytest.raises(ConnectionResetError):
        retry(action, should_retry=on_conflict((ConnectionResetError,), 3), backoff=IMMEDIATE)
    assert action.calls == 3


def test_stop_ends_the_wait_at_once():
    stop = threading.Event()
    action = Flaky(10**6, ConnectionError("down"))
    stop_soon = threading.Timer(0.1, stop.set)
    stop_soon.start()
    with pytest.raises(Stopped):
        retry(action, backoff=Backoff(60.0, 60.0), stop=stop)  # would wait a minute without the stop
    assert action.calls == 1


def test_nothing_runs_once_stop_is_set():
    stop = threading.Event()
    stop.set()
    action = Flaky(0, ConnectionError("unused"))
    with pytest.raises(Stopped):
        retry(action, stop=stop)
    assert action.calls == 0
