"""MongoDB access: one client per process, created lazily (pymongo is not fork-safe)."""

from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pymongo
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    WTimeoutError,
)
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern


@dataclass(frozen=True)
class Timeouts:
    """How long the driver waits to find the server, to connect, and for an answer (None: as long
    as the operation takes)."""

    server_selection_ms: int
    connect_ms: int
    socket_ms: int | None


# Workers wait and retry on their own (shared/retry.py): a few seconds per attempt costs nobody. An
# answer is waited for a minute at most: a server killed and restarted under a request (a change
# stream's getMore among them) may never answer it, and a thread waiting for ever stops its work.
WORKER_TIMEOUTS = Timeouts(server_selection_ms=5000, connect_ms=5000, socket_ms=60000)
# Someone is waiting on a web request: a database that is not found within a second is down for them
# (503 at once). An answer may take longer (a program report over years of courses reads thousands
# of summaries); a request that writes has a budget for the whole of its database work (shared/web.py).
REQUEST_TIMEOUTS = Timeouts(server_selection_ms=1000, connect_ms=1000, socket_ms=10000)

_clients: dict[tuple[int, str, Timeouts], MongoClient[dict[str, Any]]] = {}
_lock = threading.Lock()
_process_timeouts = [WORKER_TIMEOUTS]

# Errors worth retrying: the server or network hiccupped; the same request may succeed later.
TRANSIENT_DB_ERRORS: tuple[type[BaseException], ...] = (AutoReconnect, ConnectionFailure, NetworkTimeout)
# The database cannot be reached, or did not answer within the time allowed: nothing the caller
# sent is wrong, and the same request may well succeed shortly. ConnectionFailure covers
# AutoReconnect, NetworkTimeout, NotPrimaryError and ServerSelectionTimeoutError; a request's budget
# running out is an ExecutionTimeout; a write the majority did not confirm in time, a WTimeoutError.
UNAVAILABLE_DB_ERRORS: tuple[type[Exception], ...] = (ConnectionFailure, ExecutionTimeout, WTimeoutError)


def use_request_timeouts() -> None:
    """This process answers people: every client it makes from now on gives up quickly (a web
    process's staff accounts and sessions are read through clients made after its app)."""
    _process_timeouts[0] = REQUEST_TIMEOUTS


def mongo_client(uri: str, timeouts: Timeouts | None = None) -> MongoClient[dict[str, Any]]:
    """The process's client for `uri`; a forked child gets its own, never the parent's."""
    chosen = timeouts or _process_timeouts[0]
    key = (os.getpid(), uri, chosen)
    with _lock:
        if key not in _clients:
            _clients[key] = MongoClient(
                uri,
                tz_aware=True,
                serverSelectionTimeoutMS=chosen.server_selection_ms,
                connectTimeoutMS=chosen.connect_ms,
                socketTimeoutMS=chosen.socket_ms,
                w="majority",
                retryWrites=True,
                appname="ipt-platform",
            )
        return _clients[key]


def database(uri: str, name: str, timeouts: Timeouts | None = None) -> Database[dict[str, Any]]:
    return mongo_client(uri, timeouts).get_database(
        name, write_concern=WriteConcern("majority"), read_concern=ReadConcern("majority")
    )


def request_budget(seconds: float) -> AbstractContextManager[Any]:
    """Every database operation inside gives up once `seconds` have passed since it was entered.

    The bound that matters for a write: a transaction whose server is gone is retried by the driver
    for up to two minutes unless a budget stops it.
    """
    return pymongo.timeout(seconds)


def ping(db: Database[Any], seconds: float = 1.0) -> None:
    with pymongo.timeout(seconds):
        db.client.admin.command("ping")


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT_DB_ERRORS):
        return True
    # Transaction conflicts are labelled by the server as safe to retry as a whole.
    return isinstance(error, OperationFailure) and error.has_error_label("TransientTransactionError")


def is_unavailable(error: BaseException) -> bool:
    return isinstance(error, UNAVAILABLE_DB_ERRORS)
