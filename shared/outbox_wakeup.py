"""Wakes the outbox relay when records are committed, from the database's change stream.

Change streams need a replica set: MongoDB in production runs as one, and the local SecantusDB
presents a single-node replica set. Where `watch()` is refused (a standalone server) the relay
lives on its fallback timer alone. A stream that dies (the database restarted) is reopened after
a backoff; whatever was inserted meanwhile is found by the pass that follows, because every pass
reads all pending records, not the change events.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import OperationFailure, PyMongoError

from shared.retry import Backoff

log = logging.getLogger(__name__)

INSERTS: list[dict[str, Any]] = [{"$match": {"operationType": "insert"}}, {"$project": {"_id": 1}}]
# Server codes meaning "this deployment has no change streams" (not a replica set or sharded cluster).
NO_CHANGE_STREAMS = {40573, 40324, 20, 115}
REOPEN_BACKOFF = Backoff(0.5, 10.0)


class InsertWakeup:
    """Waits for an insert into `collection`, at most a given time."""

    def __init__(
        self,
        collection: Collection[Any],
        await_ms: int = 500,
        reopen_backoff: Backoff = REOPEN_BACKOFF,
    ) -> None:
        self.collection = collection
        self.await_ms = await_ms
        self.reopen_backoff = reopen_backoff
        self.stream: Any = None  # the open ChangeStream, if any
        self.opened = 0  # how many streams were opened, reopenings included
        self.unsupported = False
        self._failures = 0
        self._retry_at = 0.0

    def arm(self) -> bool:
        """Opens a stream unless one is open (or the last attempt failed too recently): inserts
        from now on wake `wait`. Returns whether a stream is open."""
        if self.stream is not None:
            return True
        if self.unsupported or time.monotonic() < self._retry_at:
            return False
        try:
            self.stream = self.collection.watch(INSERTS, max_await_time_ms=self.await_ms)
        except OperationFailure as error:
            if error.code in NO_CHANGE_STREAMS:
                self.unsupported = True
                log.info("outbox relay on its timer: the database has no change streams", extra={"code": error.code})
                return False
            self._failed(error)
            return False
        except PyMongoError as error:
            self._failed(error)
            return False
        self.opened += 1
        self._failures = 0
        return True

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """Until an insert (True), `timeout` seconds (False) or `stop`. Also True when the stream
        broke or was reopened: records inserted meanwhile would otherwise wait for the timer."""
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self.stream is None:
                if self.arm():
                    return True
                stop.wait(min(remaining, max(self._retry_at - time.monotonic(), 0.05)))
                continue
            try:
                change = self.stream.try_next()
            except PyMongoError as error:
                self._failed(error)
                return True
            if change is not None:
                return True
            if not self.stream.alive:  # closed under us
                self._failed(None)
                return True
        return False

    def close(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(PyMongoError):  # the stream is dropped either way
                stream.close()

    def _failed(self, error: BaseException | None) -> None:
        self.close()
        self._failures += 1
        delay = self.reopen_backoff.delay(self._failures)
        self._retry_at = time.monotonic() + delay
        log.warning(
            "outbox change stream lost; reopening",
            extra={"error": error.__class__.__name__ if error else "closed", "retry_in": delay},
        )
