"""MongoDB access: one client per process, created lazily (pymongo is not fork-safe)."""

from __future__ import annotations

import os
import threading
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout, OperationFailure
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

_clients: dict[tuple[int, str], MongoClient[dict[str, Any]]] = {}
_lock = threading.Lock()

# Errors worth retrying: the server or network hiccupped; the same request may succeed later.
TRANSIENT_DB_ERRORS: tuple[type[BaseException], ...] = (AutoReconnect, ConnectionFailure, NetworkTimeout)


def mongo_client(uri: str) -> MongoClient[dict[str, Any]]:
    """The process's client for `uri`; a forked child gets its own, never the parent's."""
    key = (os.getpid(), uri)
    with _lock:
        if key not in _clients:
            _clients[key] = MongoClient(
                uri,
                tz_aware=True,
                serverSelectionTimeoutMS=5000,
                connectTimeoutMS=5000,
                w="majority",
                retryWrites=True,
                appname="ipt-platform",
            )
        return _clients[key]


def database(uri: str, name: str) -> Database[dict[str, Any]]:
    return mongo_client(uri).get_database(
        name, write_concern=WriteConcern("majority"), read_concern=ReadConcern("majority")
    )


def ping(db: Database[Any]) -> None:
    db.client.admin.command("ping")


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT_DB_ERRORS):
        return True
    # Transaction conflicts are labelled by the server as safe to retry as a whole.
    return isinstance(error, OperationFailure) and error.has_error_label("TransientTransactionError")
