"""A lease in the database: one holder at a time for work that must not run twice at once.

The outbox relay of each service holds one, so with two workers per service only one publishes.
The lease document names its holder and when it expires; the holder renews it on a timer of its
own, and anyone takes it over once it has lapsed. Decisions are pure functions of the lease and a
clock passed in; `DatabaseLease` applies them atomically on the server, `LeaseKeeper` renews.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

LEASES = "leases"

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class LeaseTerms:
    """How long a lease lasts and how often its holder renews it.

    A holder publishes only while at least `margin` of its lease is left: a renewal that fails
    (the database is away) stops it before the lease can lapse and pass to someone else.
    """

    duration: timedelta = timedelta(seconds=6)
    renew_every: timedelta = timedelta(seconds=2)
    margin: timedelta = timedelta(seconds=2)
    # How often someone who does not hold the lease looks whether it is free.
    look_every: timedelta = timedelta(seconds=1)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.renew_every < self.duration - self.margin:
            raise ValueError("a lease must be renewed well before it is too short to use")


@dataclass(frozen=True)
class Lease:
    """What is known of a lease: who holds it and until when (None: nobody ever took it)."""

    holder: str | None = None
    expires_at: datetime | None = None


NOBODY = Lease()


def is_held_by(lease: Lease, me: str, now: datetime) -> bool:
    return lease.holder == me and lease.expires_at is not None and now < lease.expires_at


def is_free(lease: Lease, now: datetime) -> bool:
    """Nobody holds it: never taken, released, or lapsed."""
    return lease.holder is None or lease.expires_at is None or lease.expires_at <= now


def may_work(lease: Lease, me: str, now: datetime, terms: LeaseTerms) -> bool:
    """Whether `me` may do the guarded work now: it holds the lease with the margin left."""
    return is_held_by(lease, me, now) and lease.expires_at is not None and lease.expires_at - now >= terms.margin


def next_look(lease: Lease, me: str, looked_at: datetime, terms: LeaseTerms) -> datetime:
    """When `me` next asks the database: the holder to renew, anyone else to try to take it."""
    if is_held_by(lease, me, looked_at):
        return looked_at + terms.renew_every
    if lease.expires_at is not None and not is_free(lease, looked_at):
        # A clean release ends a lease early, so look again before it would lapse on its own.
        return min(lease.expires_at, looked_at + terms.look_every)
    return looked_at + terms.look_every


def takeover_filter(name: str, me: str, now: datetime) -> dict[str, Any]:
    """The lease documents `me` may take or renew at `now`: its own, or a free one."""
    return {"_id": name, "$or": [{"holder": me}, {"holder": None}, {"expires_at": {"$lte": now}}]}


class DatabaseLease:
    """One lease document (`_id` = name) in a collection; taking and renewing are one atomic
    find-and-modify, so two contenders can never both succeed."""

    def __init__(self, collection: Collection[Any], name: str, holder: str, terms: LeaseTerms) -> None:
        self.collection = collection
        self.name = name
        self.holder = holder
        self.terms = terms

    def take_or_renew(self, now: datetime) -> Lease:
        """Takes the lease if free or ours (extending it); otherwise returns who holds it."""
        try:
            doc = self.collection.find_one_and_update(
                takeover_filter(self.name, self.holder, now),
                {"$set": {"holder": self.holder, "expires_at": now + self.terms.duration, "renewed_at": now}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # held by someone else: the upsert found the _id taken
            doc = self.collection.find_one({"_id": self.name})
        return _lease_of(doc)

    def release(self, now: datetime) -> None:
        """Ends our lease now, so another contender takes over at once (after a clean stop)."""
        self.collection.update_one(
            {"_id": self.name, "holder": self.holder}, {"$set": {"holder": None, "expires_at": now}}
        )

    def read(self) -> Lease:
        return _lease_of(self.collection.find_one({"_id": self.name}))


def _lease_of(doc: dict[str, Any] | None) -> Lease:
    if doc is None:
        return NOBODY
    expires_at: datetime | None = doc.get("expires_at")
    if expires_at is not None and expires_at.tzinfo is None:  # a client without tz_aware
        expires_at = expires_at.replace(tzinfo=UTC)
    return Lease(doc.get("holder"), expires_at)


class LeaseKeeper:
    """Keeps a lease on a thread of its own, apart from the guarded work: a slow pass of the
    work (a broker that takes its time to acknowledge) does not let the lease lapse, while a
    process that is killed or paused stops renewing, and the lease passes on after `duration`."""

    def __init__(self, lease: DatabaseLease, clock: Clock) -> None:
        self.lease = lease
        self.clock = clock
        self._known = NOBODY
        self._lock = threading.Lock()

    @property
    def holder(self) -> str:
        return self.lease.holder

    def held(self) -> bool:
        """Whether the guarded work may run now (no database call: the last answer and the clock)."""
        with self._lock:
            known = self._known
        return may_work(known, self.lease.holder, self.clock(), self.lease.terms)

    def look(self) -> datetime:
        """One round: take or renew if we can; returns when to look again."""
        looked_at = self.clock()
        try:
            known = self.lease.take_or_renew(looked_at)
        except PyMongoError as error:
            log.warning("relay lease not renewed", extra={"error": error.__class__.__name__})
            with self._lock:
                known = self._known
            return next_look(known, self.lease.holder, looked_at, self.lease.terms)
        with self._lock:
            was_held = is_held_by(self._known, self.lease.holder, looked_at)
            self._known = known
        now_held = is_held_by(known, self.lease.holder, looked_at)
        if now_held != was_held:
            what = "taken" if now_held else "lost"
            log.info(f"relay lease {what}", extra={"lease": self.lease.name, "holder": self.holder})
        return next_look(known, self.lease.holder, looked_at, self.lease.terms)

    def run(self, stop: threading.Event) -> None:
        while True:
            wake_at = self.look()
            if stop.wait(max((wake_at - self.clock()).total_seconds(), 0.05)):
                break
        self.release()

    def release(self) -> None:
        with self._lock:
            self._known = NOBODY
        try:
            self.lease.release(self.clock())
        except PyMongoError as error:  # it lapses on its own after `duration`
            log.warning("relay lease not released", extra={"error": error.__class__.__name__})
