"""Staff accounts for the services' web UIs: one identity store shared by every service.

Passwords are kept only as werkzeug hashes (scrypt). Verification always runs one hash check,
also for unknown, disabled or locked accounts, so timing says little about which case it was.
Five failed attempts in a row lock the account for 15 minutes.

Each store owns the signed-in UI sessions of its accounts (shared/staff_sessions.py, in the same
database), so disabling or locking an account ends all of its sessions at once.
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from werkzeug.security import check_password_hash, generate_password_hash

from shared.auth import Principal
from shared.envelope import utcnow
from shared.roles import ROLES
from shared.staff_sessions import InMemoryStaffSessionStore, StaffSessions, StaffSessionStore

COLLECTION = "staff_users"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing megabytes on every attempt would be a cheap denial of service
MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
HASH_METHOD = "scrypt"
DEFAULT_MONGO_URI = "mongodb://127.0.0.1:27017/"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,63}$")
PUBLIC_FIELDS = ("username", "role", "disabled", "created_at", "last_login", "locked_until")

Clock = Callable[[], datetime]


class UserError(ValueError):
    """The account cannot be created or changed as asked; the message says why, in words."""


class UserExists(UserError):
    pass


class UnknownUser(UserError):
    pass


def normalise_username(username: str) -> str:
    return (username or "").strip().casefold()


def check_new_account(username: str, role: str, password: str) -> str:
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise UserError(
            "A username is 2 to 64 characters: letters, digits and . _ @ + - (starting with a letter or digit)."
        )
    if role not in ROLES:
        raise UserError(f"The role must be one of: {', '.join(ROLES)}.")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")
    return name


def _public(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {key: doc.get(key) for key in PUBLIC_FIELDS}


class _Accounts:
    """The rules, over a few storage primitives that the MongoDB and in-memory stores provide."""

    def __init__(self, sessions: StaffSessions, clock: Clock = utcnow, hash_method: str = HASH_METHOD) -> None:
        self.sessions = sessions
        self._clock = clock
        self._hash_method = hash_method
        # Checked when the username is unknown, so that case costs one hash like the others.
        self._dummy_hash = generate_password_hash("not-a-real-password-at-all", method=hash_method)

    # -- primitives (subclasses) ---------------------------------------------------------------
    def _load(self, username: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _insert(self, doc: dict[str, Any]) -> None:  # raises UserExists
        raise NotImplementedError

    def _set(self, username: str, fields: dict[str, Any]) -> bool:
        raise NotImplementedError

    def _count_failure(self, username: str) -> int:
        """Adds one to the consecutive failures and returns the new count."""
        raise NotImplementedError

    def _all(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def ensure_indexes(self) -> None:
        return None

    # -- the account rules ---------------------------------------------------------------------
    def add(self, username: str, role: str, password: str) -> dict[str, Any]:
        name = check_new_account(username, role, password)
        self.ensure_indexes()
        doc = {
            "username": name,
            "role": role,
            "password_hash": generate_password_hash(password, method=self._hash_method),
            "disabled": False,
            "failed_attempts": 0,
            "locked_until": None,
            "last_login": None,
            "created_at": self._clock(),
        }
        self._insert(doc)
        return _public(doc)

    def verify(self, username: str, password: str) -> Principal | None:
        """The account's principal when the password is right and the account usable, else None."""
        name = normalise_username(username)
        doc = self._load(name) if USERNAME.match(name) else None
        candidate = password if isinstance(password, str) and len(password) <= MAX_PASSWORD_LENGTH else ""
        matches = check_password_hash(doc["password_hash"] if doc else self._dummy_hash, candidate)
        if doc is None or doc.get("disabled"):
            return None
        now = self._clock()
        locked_until = doc.get("locked_until")
        if locked_until is not None and _aware(locked_until) > now:
            return None
        if not matches or not candidate:
            if self._count_failure(name) >= MAX_FAILURES:
                self._set(name, {"failed_attempts": 0, "locked_until": now + LOCK_DURATION})
                # Someone is guessing this password: whoever is signed in as the account may be
                # them already, so its sessions end too and the owner signs in again afterwards.
                self.sessions.end_all(name)
            return None
        self._set(name, {"failed_attempts": 0, "locked_until": None, "last_login": now})
        return Principal(sub=name, role=doc["role"])

    def get(self, username: str) -> dict[str, Any] | None:
        """The account without its hash, or None."""
        doc = self._load(normalise_username(username))
        return _public(doc) if doc else None

    def is_active(self, username: str, role: str) -> bool:
        """Whether a signed-in account still exists, is enabled, is not locked and has the same role."""
        doc = self._load(normalise_username(username))
        if not doc:
            return False
        locked_until = doc.get("locked_until")
        if locked_until is not None and _aware(locked_until) > self._clock():
            return False
        return not doc.get("disabled") and doc.get("role") == role

    def disable(self, username: str) -> int:
        """Disables the account and ends its sessions; returns how many sessions were ended."""
        name = normalise_username(username)
        # Disabled first: a sign-in racing with this either fails or starts a session that the
        # account check on its first request refuses (shared/staff_sessions.py `resume`).
        if not self._set(name, {"disabled": True}):
            raise UnknownUser(f"No account named {name!r}.")
        return self.sessions.end_all(name)

    def list(self) -> list[dict[str, Any]]:
        return sorted((_public(doc) for doc in self._all()), key=lambda user: user["username"])


def _aware(moment: datetime) -> datetime:
    # Stores written by a client without tz_aware hand back naive UTC datetimes.

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class UserStore(_Accounts):
    """Accounts in MongoDB, collection `staff_users` of the identity database; their sessions beside them."""

    def __init__(
        self,
        db: Database[Any],
        clock: Clock = utcnow,
        hash_method: str = HASH_METHOD,
        sessions: StaffSessions | None = None,
    ) -> None:
        super().__init__(sessions if sessions is not None else StaffSessionStore(db, clock), clock, hash_method)
        self.collection = db[COLLECTION]

    def ensure_indexes(self) -> None:
        self.collection.create_index([("username", ASCENDING)], unique=True, name="username_unique")

    def _load(self, username: str) -> dict[str, Any] | None:
        return self.collection.find_one({"username": username})

    def _insert(self, doc: dict[str, Any]) -> None:
        try:
            self.collection.insert_one(dict(doc))
        except DuplicateKeyError:
            raise UserExists(f"An account named {doc['username']!r} already exists.") from None

    def _set(self, username: str, fields: dict[str, Any]) -> bool:
        return self.collection.update_one({"username": username}, {"$set": fields}).matched_count == 1

    def _count_failure(self, username: str) -> int:
        doc = self.collection.find_one_and_update(
            {"username": username}, {"$inc": {"failed_attempts": 1}}, return_document=ReturnDocument.AFTER
        )
        return int(doc["failed_attempts"]) if doc else 0

    def _all(self) -> list[dict[str, Any]]:
        return list(self.collection.find({}, {"password_hash": 0}))


class InMemoryUserStore(_Accounts):
    """The same rules over a dict, for unit tests. pbkdf2 by default: scrypt is slow on purpose.

    Its sessions are an in-memory store on the same clock unless `sessions` is given.
    """

    def __init__(
        self,
        clock: Clock = utcnow,
        hash_method: str = "pbkdf2:sha256:1000",
        sessions: StaffSessions | None = None,
    ) -> None:
        super().__init__(sessions if sessions is not None else InMemoryStaffSessionStore(clock), clock, hash_method)
        self.users: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _load(self, username: str) -> dict[str, Any] | None:
        with self._lock:
            doc = self.users.get(username)
            return copy.deepcopy(doc) if doc else None

    def _insert(self, doc: dict[str, Any]) -> None:
        with self._lock:
            if doc["username"] in self.users:
                raise UserExists(f"An account named {doc['username']!r} already exists.")
            self.users[doc["username"]] = copy.deepcopy(doc)

    def _set(self, username: str, fields: dict[str, Any]) -> bool:
        with self._lock:
            if username not in self.users:
                return False
            self.users[username].update(fields)
            return True

    def _count_failure(self, username: str) -> int:
        with self._lock:
            doc = self.users.get(username)
            if doc is None:
                return 0
            failures: int = doc.get("failed_attempts", 0) + 1
            doc["failed_attempts"] = failures
            return failures

    def _all(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self.users.values()))


def identity_database(env: Mapping[str, str] | None = None) -> Database[Any]:
    """`<MONGO_DB_PREFIX>_identity` on MONGO_URI: where staff accounts live, for every service."""
    from shared.db import database

    env = dict(os.environ if env is None else env)
    prefix = env.get("MONGO_DB_PREFIX", "ipt")
    return database(env.get("MONGO_URI", DEFAULT_MONGO_URI), f"{prefix}_identity")
