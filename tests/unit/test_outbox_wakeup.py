"""The relay's wake-up without a database: a server without change streams leaves the timer in
charge; a stream that fails or is closed wakes the relay and is opened again."""

from __future__ import annotations

import threading

from pymongo.errors import AutoReconnect, OperationFailure

from shared.outbox_wakeup import InsertWakeup
from shared.retry import Backoff

QUICK = Backoff(0.01, 0.01)


class FakeStream:
    def __init__(self, changes) -> None:
        self.changes = list(changes)
        self.alive = True

    def try_next(self):
        if not self.changes:
            return None
        change = self.changes.pop(0)
        if isinstance(change, BaseException):
            raise change
        if change == "closed":
            self.alive = False
            return None
        return change

    def close(self) -> None:
        self.alive = False


class FakeCollection:
    def __init__(self, *outcomes) -> None:
        self.outcomes = list(outcomes)
        self.watched = 0

    def watch(self, pipeline, max_await_time_ms):
        self.watched += 1
        outcome = self.outcomes.pop(0) if self.outcomes else FakeStream([])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def test_a_server_without_change_streams_leaves_the_relay_on_its_timer():
    refused = OperationFailure("The $changeStream stage is only supported on replica sets", code=40573)
    collection = FakeCollection(refused)
    wakeup = InsertWakeup(collection, reopen_backoff=QUICK)
    assert not wakeup.arm()
    assert wakeup.unsupported
    assert wakeup.wait(0.05, threading.Event()) is False  # the timer ran out
    assert not wakeup.arm() and collection.watched == 1  # never asked again


def test_an_insert_wakes_the_relay():
    wakeup = InsertWakeup(FakeCollection(FakeStream([None, {"_id": "token"}])), reopen_backoff=QUICK)
    assert wakeup.arm()
    assert wakeup.wait(5, threading.Event()) is True


def test_nothing_inserted_waits_out_the_timer():
    wakeup = InsertWakeup(FakeCollection(FakeStream([])), reopen_backoff=QUICK)
    wakeup.arm()
    assert wakeup.wait(0.05, threading.Event()) is False


def test_a_stream_that_fails_wakes_the_relay_and_is_opened_again():
    collection = FakeCollection(FakeStream([AutoReconnect("restarted")]), FakeStream([]))
    wakeup = InsertWakeup(collection, reopen_backoff=QUICK)
    wakeup.arm()
    assert wakeup.wait(5, threading.Event()) is True  # whatever came meanwhile is read now
    assert wakeup.stream is None
    assert wakeup.wait(5, threading.Event()) is True  # reopened: a pass covers the gap
    assert wakeup.opened == 2 and wakeup.stream is not None


def test_a_stream_closed_under_the_relay_is_opened_again():
    collection = FakeCollection(FakeStream(["closed"]), FakeStream([]))
    wakeup = InsertWakeup(collection, reopen_backoff=QUICK)
    wakeup.arm()
    assert wakeup.wait(5, threading.Event()) is True
    assert wakeup.arm() or wakeup.wait(5, threading.Event())
    assert wakeup.opened == 2


def test_a_database_that_is_down_is_asked_again_after_a_backoff():
    collection = FakeCollection(AutoReconnect("down"), FakeStream([]))
    wakeup = InsertWakeup(collection, reopen_backoff=Backoff(60, 60))
    assert not wakeup.arm()
    assert not wakeup.arm() and collection.watched == 1  # not before the backoff
    assert not wakeup.unsupported


def test_stop_ends_the_wait():
    wakeup = InsertWakeup(FakeCollection(FakeStream([])), reopen_backoff=QUICK)
    wakeup.arm()
    stop = threading.Event()
    stop.set()
    assert wakeup.wait(30, stop) is False
