"""Signed-in sessions of the staff web UIs, kept on the server so they can be ended at once.

A UI's cookie carries only a random opaque token; the store keys each session by the token's
SHA-256, so a copy of the database (or a backup) holds nothing a browser could present. Every
request resumes its session here: an unknown token, 15 idle minutes, 12 hours since sign-in or an
account that can no longer sign in all refuse it. Signing out deletes the session, and disabling
or locking an account ends every session of that account (shared/users.py calls `end_all`).

The sessions live in the staff identity database (`<prefix>_identity`, collection
`staff_sessions`), beside the accounts, so every service's UI shares one store. A TTL index on the
absolute expiry clears sessions nobody signed out of; the timeouts themselves are enforced here,
on every request, not by the TTL monitor (which runs only about once a minute).
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database

from shared.envelope import utcnow

COLLECTION = "staff_sessions"
IDLE_TIMEOUT = timedelta(minutes=15)
MAX_AGE = timedelta(hours=12)
# last_seen is written at most this often, so a page with several requests costs one write. The
# stored value is then at most this much older than the last request, so a session may end up to
# 30 seconds before 15 idle minutes have passed, but never after.
TOUCH_INTERVAL = timedelta(seconds=30)
TOKEN_BYTES = 32  # 256 random bits: too many to guess, so an unsalted fast hash is enough to store
MAX_TOKEN_LENGTH = 128  # a cookie longer than any token we issue is not worth hashing

Clock = Callable[[], datetime]
AccountCheck = Callable[[str, str], bool]
"""(username, role) -> whether that account may still be signed in (enabled, unlocked, same role)."""


class Ended(StrEnum):
    """Why a presented session cannot be used."""

    MISSING = "missing"  # unknown token: signed out, ended by an administrator, or removed after expiry
    IDLE = "idle"  # no request for IDLE_TIMEOUT
    EXPIRED = "expired"  # MAX_AGE since sign-in, however active
    ACCOUNT = "account"  # the account was disabled, locked, removed or given another role


@dataclass(frozen=True)
class StaffSession:
    """One signed-in session as the store holds it: never the token, only its hash."""

    token_hash: str
    username: str
    role: str
    csrf: str
    login_at: datetime
    last_seen: datetime

    @property
    def expires_at(self) -> datetime:
        return self.login_at + MAX_AGE


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    # A client without tz_aware hands back naive UTC datetimes; comparing them with aware ones fails.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _to_doc(session: StaffSession) -> dict[str, Any]:
    return {
        "_id": session.token_hash,
        "username": session.username,
        "role": session.role,
        "csrf": session.csrf,
        "login_at": session.login_at,
        "last_seen": session.last_seen,
        "expires_at": session.expires_at,  # what the TTL index clears on
    }


def _from_doc(doc: dict[str, Any]) -> StaffSession:
    return StaffSession(
        token_hash=doc["_id"],
        username=doc["username"],
        role=doc["role"],
        csrf=doc["csrf"],
        login_at=_aware(doc["login_at"]),
        last_seen=_aware(doc["last_seen"]),
    )


class StaffSessions:
    """The session rules, over a few storage primitives that the MongoDB and in-memory stores provide."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self._clock = clock

    # -- primitives (subclasses) ---------------------------------------------------------------
    def _insert(self, doc: dict[str, Any]) -> None:
        raise NotImplementedError

    def _load(self, token_hash: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _touch(self, token_hash: str, now: datetime) -> None:
        """Moves last_seen forward to `now` (never back, should two requests race)."""
        raise NotImplementedError

    def _delete(self, token_hash: str) -> None:
        raise NotImplementedError

    def _delete_user(self, username: str) -> int:
        raise NotImplementedError

    def _of_user(self, username: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    # -- the session rules ---------------------------------------------------------------------
    def start(self, username: str, role: str) -> tuple[str, StaffSession]:
        """A new session: the token for the cookie (never stored) and the session as stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock()
        session = StaffSession(
            token_hash=token_hash(token),
            username=username,
            role=role,
            csrf=secrets.token_urlsafe(TOKEN_BYTES),
            login_at=now,
            last_seen=now,
        )
        self._insert(_to_doc(session))
        return token, session

    def resume(self, token: str, account_active: AccountCheck | None = None) -> StaffSession | Ended:
        """The live session for this token, renewed; or why it cannot be used (and it is then deleted).

        `account_active` is asked last, so a dead session costs no account look-up.
        """
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return Ended.MISSING
        key = token_hash(token)
        doc = self._load(key)
        if doc is None:
            return Ended.MISSING
        session = _from_doc(doc)
        now = self._clock()
        if now - session.login_at > MAX_AGE:
            self._delete(key)
            return Ended.EXPIRED
        if now - session.last_seen > IDLE_TIMEOUT:
            self._delete(key)
            return Ended.IDLE
        if account_active is not None and not account_active(session.username, session.role):
            self.end_all(session.username)
            return Ended.ACCOUNT
        if now - session.last_seen >= TOUCH_INTERVAL:
            self._touch(key, now)
            session = replace(session, last_seen=now)
        return session

    def end(self, token: str) -> None:
        """Signs this session out; an unknown token is no error (a second sign-out, say)."""
        if token and len(token) <= MAX_TOKEN_LENGTH:
            self._delete(token_hash(token))

    def end_all(self, username: str) -> int:
        """Ends every session of the account (disabled, locked); returns how many there were."""
        return self._delete_user(username)

    def of(self, username: str) -> list[StaffSession]:
        """The account's stored sessions, oldest first (including any not yet found expired)."""
        return sorted((_from_doc(doc) for doc in self._of_user(username)), key=lambda s: s.login_at)

    def ensure_indexes(self) -> None:
        return None


class StaffSessionStore(StaffSessions):
    """Sessions in MongoDB, collection `staff_sessions` of the identity database."""

    def __init__(self, db: Database[Any], clock: Clock = utcnow) -> None:
        super().__init__(clock)
        self.collection = db[COLLECTION]
        self._indexed = False

    def ensure_indexes(self) -> None:
        # expireAfterSeconds=0: a document goes once the moment in `expires_at` has passed.
        self.collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_at_ttl")
        self.collection.create_index([("username", ASCENDING)], name="username")
        self._indexed = True

    def _insert(self, doc: dict[str, Any]) -> None:
        if not self._indexed:  # once per process, before the first session can need expiring
            self.ensure_indexes()
        self.collection.insert_one(dict(doc))

    def _load(self, token_hash: str) -> dict[str, Any] | None:
        return self.collection.find_one({"_id": token_hash})

    def _touch(self, token_hash: str, now: datetime) -> None:
        self.collection.update_one({"_id": token_hash}, {"$max": {"last_seen": now}})

    def _delete(self, token_hash: str) -> None:
        self.collection.delete_one({"_id": token_hash})

    def _delete_user(self, username: str) -> int:
        return self.collection.delete_many({"username": username}).deleted_count

    def _of_user(self, username: str) -> list[dict[str, Any]]:
        return list(self.collection.find({"username": username}))


class InMemoryStaffSessionStore(StaffSessions):
    """The same rules over a dict, for unit tests; `documents` is what MongoDB would hold.

    There is no TTL monitor here: an expired session stays until it is presented (and refused) or
    ended. In MongoDB it may already be gone by then, which refuses it just the same.
    """

    def __init__(self, clock: Clock = utcnow) -> None:
        super().__init__(clock)
        self.documents: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _insert(self, doc: dict[str, Any]) -> None:
        with self._lock:
            self.documents[doc["_id"]] = copy.deepcopy(doc)

    def _load(self, token_hash: str) -> dict[str, Any] | None:
        with self._lock:
            doc = self.documents.get(token_hash)
            return copy.deepcopy(doc) if doc else None

    def _touch(self, token_hash: str, now: datetime) -> None:
        with self._lock:
            doc = self.documents.get(token_hash)
            if doc is not None:
                doc["last_seen"] = max(doc["last_seen"], now)

    def _delete(self, token_hash: str) -> None:
        with self._lock:
            self.documents.pop(token_hash, None)

    def _delete_user(self, username: str) -> int:
        with self._lock:
            mine = [key for key, doc in self.documents.items() if doc["username"] == username]
            for key in mine:
                del self.documents[key]
            return len(mine)

    def _of_user(self, username: str) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(doc) for doc in self.documents.values() if doc["username"] == username]
