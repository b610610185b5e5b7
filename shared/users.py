"""Staff accounts for the services' web UIs: one identity store shared by every service.

Passwords are kept only as werkzeug hashes (scrypt). Verification always runs one hash check,
also for unknown or disabled accounts, so timing says little about which case it was. Failed
attempts slow the next ones down (shared/sign_in_throttle.py: per account, per address and per
pair, progressive delays up to a limit) instead of locking the account, which would let anyone
who knows a username keep its owner out. While a delay runs, attempts are refused unheard.

Each store owns the signed-in UI sessions of its accounts (shared/staff_sessions.py, in the same
database), so disabling or locking an account ends all of its sessions at once.

An account may add a second factor: one-time codes from an authenticator app (shared/totp.py).
Its secret is kept in the account document (`totp_secret`; `totp_pending_secret` while the owner
has not yet typed a first code), with the last time step a code was used for (`totp_last_step`),
so no code works twice. With the factor on, a right password alone signs nobody in: `sign_in`
answers `second_factor=True` and `sign_in_with_code` finishes. Wrong codes count against the same
delays as wrong passwords, and a right password no longer forgets earlier failures until the code
is right too, so guessing codes between right passwords goes no faster.
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from werkzeug.security import check_password_hash, generate_password_hash

from shared import sign_in_throttle as throttle
from shared import totp
from shared.auth import Principal
from shared.envelope import utcnow
from shared.roles import ROLES
from shared.sign_in_throttle import Failures
from shared.staff_sessions import InMemoryStaffSessionStore, StaffSessions, StaffSessionStore

COLLECTION = "staff_users"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing megabytes on every attempt would be a cheap denial of service
HASH_METHOD = "scrypt"
DEFAULT_MONGO_URI = "mongodb://127.0.0.1:27017/"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,63}$")
PUBLIC_FIELDS = ("username", "role", "disabled", "created_at", "last_login")
# What the MongoDB store reads for a listing: never a hash or a secret.
LISTED_FIELDS = (*PUBLIC_FIELDS, "totp_enabled_at")
FAILURES_COLLECTION = "sign_in_failures"

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class _Attempt:
    """A sign-in step under way: who (normalised), the failure counters it touches, and the account
    (None when there is no usable one: unknown or disabled, which answer alike)."""

    name: str
    counters: dict[str, str]
    now: datetime
    doc: dict[str, Any] | None


@dataclass(frozen=True)
class SignIn:
    """What came of a sign-in attempt: the principal, or none and how many seconds the next attempt
    must wait (0: it may come at once); `heard` is false when the attempt came too early and its
    password was not even checked."""

    principal: Principal | None
    retry_after: int = 0
    heard: bool = True
    # The password was right, but the account has a second factor: a code must follow
    # (`sign_in_with_code`) before anyone is signed in. `principal` stays None meanwhile.
    second_factor: bool = False
    role: str | None = None  # the account's role when `second_factor` is set

    @property
    def throttled(self) -> bool:
        return not self.heard


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
    # From when it was turned on, set and cleared with the secret: listings never read the secret.
    return {key: doc.get(key) for key in PUBLIC_FIELDS} | {"two_factor": doc.get("totp_enabled_at") is not None}


def has_two_factor(doc: Mapping[str, Any]) -> bool:
    return bool(doc.get("totp_secret"))


@dataclass(frozen=True)
class Enrolment:
    """A second factor being set up: the secret to show (as a QR code and in text) until confirmed."""

    username: str
    secret: str

    @property
    def uri(self) -> str:
        return totp.provisioning_uri(self.secret, self.username)


# What an account keeps of its second factor; all None when it has none.
TWO_FACTOR_FIELDS = ("totp_secret", "totp_pending_secret", "totp_last_step", "totp_enabled_at")
TWO_FACTOR_OFF: Mapping[str, Any] = dict.fromkeys(TWO_FACTOR_FIELDS)


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

    def _failures(self, ids: list[str]) -> dict[str, Failures]:
        """The failure counters kept under these ids (missing ones are left out)."""
        raise NotImplementedError

    def _fail(self, counter: str, now: datetime) -> None:
        """One more failure on the counter (starting again from 1 once the last is forgotten)."""
        raise NotImplementedError

    def _forget(self, ids: list[str]) -> None:
        raise NotImplementedError

    def _claim_step(self, username: str, secret: str, step: int) -> bool:
        """Records `step` as the last one used with `secret`, only if it is later than the one recorded."""
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
            "last_login": None,
            "created_at": self._clock(),
        }
        self._insert(doc)
        return _public(doc)

    def verify(self, username: str, password: str) -> Principal | None:
        """The account's principal when the password is right and the account usable, else None
        (counted against the account only: no address is known). None too for an account with a
        second factor: a password alone is not enough for it."""
        return self.sign_in(username, password).principal

    def sign_in(self, username: str, password: str, address: str | None = None) -> SignIn:
        """One attempt to sign in from `address`: refused unheard while an earlier failure's delay
        runs; a failure counts against the account, the address and the pair of them. With a second
        factor on, a right password answers `second_factor=True` and signs nobody in yet."""
        attempt = self._begin(username, address)
        if isinstance(attempt, SignIn):
            return attempt
        matches = self._password_matches(attempt.doc, password)
        if attempt.doc is None or not matches:
            return self._failed(attempt.counters, attempt.now)
        if has_two_factor(attempt.doc):
            # Earlier failures are not forgotten yet: else a right password between each guessed
            # code would wipe the code guesses' delays.
            return SignIn(None, second_factor=True, role=attempt.doc["role"])
        return self._signed_in(attempt.name, attempt.doc, attempt.counters, attempt.now)

    def sign_in_with_code(self, username: str, code: str, address: str | None = None) -> SignIn:
        """The second step of signing in, once `sign_in` answered `second_factor`: a current code from
        the account's authenticator, not used before. Delays and failures as for passwords."""
        attempt = self._begin(username, address)
        if isinstance(attempt, SignIn):
            return attempt
        if attempt.doc is None or not self._use_code(attempt.name, attempt.doc, code, attempt.now):
            return self._failed(attempt.counters, attempt.now)
        return self._signed_in(attempt.name, attempt.doc, attempt.counters, attempt.now)

    def _begin(self, username: str, address: str | None) -> _Attempt | SignIn:
        """The attempt's account and counters, or a refusal unheard while an earlier failure's delay runs."""
        name = normalise_username(username)
        counters = throttle.keys(name, address)
        now = self._clock()
        wait = self._wait(counters, now)
        if wait:
            return SignIn(None, wait, heard=False)
        doc = self._load(name) if USERNAME.match(name) else None
        return _Attempt(name, counters, now, None if doc is None or doc.get("disabled") else doc)

    def _password_matches(self, doc: Mapping[str, Any] | None, password: str) -> bool:
        """Hashes once whether or not the account exists (a dummy hash stands in), so the time an
        answer takes does not tell which usernames exist."""
        candidate = password if isinstance(password, str) and len(password) <= MAX_PASSWORD_LENGTH else ""
        matches = check_password_hash(doc["password_hash"] if doc else self._dummy_hash, candidate)
        return bool(candidate) and matches

    def _wait(self, counters: dict[str, str], now: datetime) -> int:
        known = self._failures(list(counters.values()))
        return throttle.retry_after({kind: known.get(counter) for kind, counter in counters.items()}, now)

    def _failed(self, counters: dict[str, str], now: datetime) -> SignIn:
        for counter in counters.values():
            self._fail(counter, now)
        return SignIn(None, self._wait(counters, now))

    def _signed_in(self, name: str, doc: Mapping[str, Any], counters: dict[str, str], now: datetime) -> SignIn:
        self._forget([counter for kind, counter in counters.items() if kind != throttle.ADDRESS])
        self._set(name, {"last_login": now})
        return SignIn(Principal(sub=name, role=doc["role"]))

    def _use_code(self, name: str, doc: Mapping[str, Any], code: str, now: datetime) -> bool:
        """Whether `code` is the account's current one, recording its step so it cannot be used again."""
        secret = doc.get("totp_secret")
        if not secret:
            return False
        step = totp.matching_step(secret, code, now, doc.get("totp_last_step"))
        # Claimed in the store, not just compared here: of two requests racing with one code, one wins.
        return step is not None and self._claim_step(name, secret, step)

    # -- the second factor ---------------------------------------------------------------------
    def now(self) -> datetime:
        """The store's clock (pending sign-ins expire on it, so tests move one clock for all)."""
        return self._clock()

    def has_two_factor(self, username: str) -> bool:
        doc = self._load(normalise_username(username))
        return doc is not None and has_two_factor(doc)

    def enrolment(self, username: str) -> Enrolment:
        """The secret being set up for the account: a new one the first time, then the same one until
        a code confirms it (reloading the page must not make an app already set up useless)."""
        name = normalise_username(username)
        doc = self._load(name)
        if doc is None:
            raise UnknownUser(f"No account named {name!r}.")
        if has_two_factor(doc):
            raise UserError("The second factor is already on for this account.")
        secret = doc.get("totp_pending_secret")
        if not secret:
            secret = totp.new_secret()
            self._set(name, {"totp_pending_secret": secret})
        return Enrolment(name, secret)

    def confirm_enrolment(self, username: str, code: str) -> bool:
        """Turns the second factor on once `code` is a current one for the secret being set up."""
        name = normalise_username(username)
        doc = self._load(name)
        pending = doc.get("totp_pending_secret") if doc else None
        if doc is None or has_two_factor(doc) or not pending:
            return False
        now = self._clock()
        step = totp.matching_step(pending, code, now)
        if step is None:
            return False
        # The confirming code's step counts as used: it cannot sign anyone in afterwards.
        turned_on = {"totp_secret": pending, "totp_last_step": step, "totp_enabled_at": now}
        return self._set(name, dict(TWO_FACTOR_OFF) | turned_on)

    def turn_off_two_factor(self, username: str, password: str, code: str, address: str | None = None) -> SignIn:
        """The owner turns the factor off with the password and a current code; a failure counts
        against the same delays as a failed sign-in (so a walked-away-from session is no guessing aid)."""
        attempt = self._begin(username, address)
        if isinstance(attempt, SignIn):
            return attempt
        matches = self._password_matches(attempt.doc, password)
        if attempt.doc is None or not matches or not self._use_code(attempt.name, attempt.doc, code, attempt.now):
            return self._failed(attempt.counters, attempt.now)
        self._set(attempt.name, dict(TWO_FACTOR_OFF))
        return SignIn(Principal(sub=attempt.name, role=attempt.doc["role"]))

    def reset_two_factor(self, username: str) -> bool:
        """An administrator turns the factor off (a lost phone); returns whether it was on. The owner
        signs in with the password alone and may set up a new one. Every session of the account ends:
        a lost phone may be signed in still."""
        name = normalise_username(username)
        doc = self._load(name)
        if doc is None:
            raise UnknownUser(f"No account named {name!r}.")
        self._set(name, dict(TWO_FACTOR_OFF))
        self.sessions.end_all(name)
        return has_two_factor(doc)

    def get(self, username: str) -> dict[str, Any] | None:
        """The account without its hash, or None."""
        doc = self._load(normalise_username(username))
        return _public(doc) if doc else None

    def is_active(self, username: str, role: str) -> bool:
        """Whether a signed-in account still exists, is enabled and has the same role."""
        doc = self._load(normalise_username(username))
        if not doc:
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
        self.failures = db[FAILURES_COLLECTION]

    def ensure_indexes(self) -> None:
        self.collection.create_index([("username", ASCENDING)], unique=True, name="username_unique")
        # A counter goes an hour after its last failure (it no longer counts by then anyway).
        self.failures.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_at_ttl")

    def _load(self, username: str) -> dict[str, Any] | None:
        return self.collection.find_one({"username": username})

    def _insert(self, doc: dict[str, Any]) -> None:
        try:
            self.collection.insert_one(dict(doc))
        except DuplicateKeyError:
            raise UserExists(f"An account named {doc['username']!r} already exists.") from None

    def _set(self, username: str, fields: dict[str, Any]) -> bool:
        return self.collection.update_one({"username": username}, {"$set": fields}).matched_count == 1

    def _failures(self, ids: list[str]) -> dict[str, Failures]:
        found = self.failures.find({"_id": {"$in": ids}})
        return {doc["_id"]: Failures(int(doc["count"]), _aware(doc["last"])) for doc in found}

    def _fail(self, counter: str, now: datetime) -> None:
        expires = now + throttle.FORGET_AFTER
        counted = self.failures.find_one_and_update(
            {"_id": counter, "last": {"$gt": now - throttle.FORGET_AFTER}},
            {"$inc": {"count": 1}, "$set": {"last": now, "expires_at": expires}},
        )
        if counted is None:  # none yet, or forgotten: the count starts again
            self.failures.replace_one({"_id": counter}, {"count": 1, "last": now, "expires_at": expires}, upsert=True)

    def _forget(self, ids: list[str]) -> None:
        self.failures.delete_many({"_id": {"$in": ids}})

    def _claim_step(self, username: str, secret: str, step: int) -> bool:
        claimed = self.collection.update_one(
            {"username": username, "totp_secret": secret, "totp_last_step": {"$lt": step}},
            {"$set": {"totp_last_step": step}},
        )
        return claimed.modified_count == 1

    def _all(self) -> list[dict[str, Any]]:
        # Only the listed fields: the hash and the second factor's secrets stay in the database.
        return list(self.collection.find({}, dict.fromkeys(LISTED_FIELDS, 1)))


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
        self.failures: dict[str, Failures] = {}
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

    def _failures(self, ids: list[str]) -> dict[str, Failures]:
        with self._lock:
            return {counter: self.failures[counter] for counter in ids if counter in self.failures}

    def _fail(self, counter: str, now: datetime) -> None:
        with self._lock:
            count = throttle.current(self.failures.get(counter), now)
            self.failures[counter] = Failures(count + 1, now)

    def _forget(self, ids: list[str]) -> None:
        with self._lock:
            for counter in ids:
                self.failures.pop(counter, None)

    def _claim_step(self, username: str, secret: str, step: int) -> bool:
        with self._lock:
            doc = self.users.get(username)
            last = doc.get("totp_last_step") if doc else None
            if doc is None or doc.get("totp_secret") != secret or last is None or last >= step:
                return False
            doc["totp_last_step"] = step
            return True

    def _all(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self.users.values()))


def identity_database(env: Mapping[str, str] | None = None) -> Database[Any]:
    """`<MONGO_DB_PREFIX>_identity` on MONGO_URI: where staff accounts live, for every service."""
    from shared.db import database

    env = dict(os.environ if env is None else env)
    prefix = env.get("MONGO_DB_PREFIX", "ipt")
    return database(env.get("MONGO_URI", DEFAULT_MONGO_URI), f"{prefix}_identity")
