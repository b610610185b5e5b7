"""Client self-report: the measures due before a session, offered through a one-time link.

One offer per booked session (its id comes from the session's): made when the session is booked,
moved with it (with a new link: the old one stops working), withdrawn when it is cancelled, and
closed by the client's answers or by time. Which measures are due is a rule per program, kept as
data (`SelfReportPolicy`); the link opens `opens_before` the session and works for `lifetime`,
never after the session has ended.

Only a hash of the link's token is kept: the token itself exists in the link sent to the client.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType

from services.outcomes.domain.events import SelfReportOffered, SelfReportWithdrawn
from services.outcomes.domain.measure import SELF_REPORT, Measure, taken_outside_session
from shared.domain import Aggregate
from shared.instruments import INSTRUMENTS, ScreeningResult
from shared.vocabulary import PROGRAMS, SELF_REPORT_WITHDRAWN_REASONS

# How often a measure is due: at every session, at odd-numbered sessions, or about every four weeks.
EVERY_SESSION, EVERY_OTHER_SESSION, MONTHLY = "every_session", "every_other_session", "monthly"
FREQUENCIES = (EVERY_SESSION, EVERY_OTHER_SESSION, MONTHLY)
# Monthly: not when the instrument was taken, or offered for a session, less than this before.
MONTHLY_GAP = timedelta(days=27)  # four weeks, give or take a day for a session moved a little

# An offer is open until it is completed, expires or its session is cancelled (the status then names why).
OPEN = "open"
COMPLETED, EXPIRED, SESSION_CANCELLED = SELF_REPORT_WITHDRAWN_REASONS
NOT_YET = "not_yet"  # open, but before `available_from`: a state of the page, never stored

# Clinician-administered instruments are never sent to a client to answer alone.
NOT_SELF_REPORTED = frozenset({"cssrs"})
SELF_REPORTABLE = tuple(code for code in INSTRUMENTS if code not in NOT_SELF_REPORTED)

TOKEN_BYTES = 24  # 192 random bits, 32 URL-safe characters
_TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
_OFFER_IDS = uuid.UUID("2b9e4c7a-1d3f-4a6b-8c5e-7f0a1b2c3d4e")


@dataclass(frozen=True)
class Due:
    """One instrument of a program's self-report, and how often it is due."""

    instrument: str
    every: str = EVERY_SESSION

    def __post_init__(self) -> None:
        if self.instrument not in SELF_REPORTABLE:
            raise ValueError(f"{self.instrument!r} cannot be a self-report; use one of: {', '.join(SELF_REPORTABLE)}")
        if self.every not in FREQUENCIES:
            raise ValueError(f"{self.every!r} is not a frequency; use one of: {', '.join(FREQUENCIES)}")


_MOOD = (Due("phq9"), Due("gad7"))
_SUBSTANCE_USE = (*_MOOD, Due("audit", MONTHLY), Due("dast10", MONTHLY))
DEFAULT_SCHEDULES: Mapping[str, tuple[Due, ...]] = MappingProxyType(
    {"mental_health": _MOOD, "substance_use": _SUBSTANCE_USE, "co_occurring": _SUBSTANCE_USE}
)
DEFAULT_PROGRAM = "mental_health"  # a program outcomes has not heard of gets its measures


@dataclass(frozen=True)
class SelfReportPolicy:
    """Which measures each program's clients answer before a session, and when the link works."""

    schedules: Mapping[str, tuple[Due, ...]] = field(default_factory=lambda: DEFAULT_SCHEDULES)
    opens_before: timedelta = timedelta(hours=48)
    lifetime: timedelta = timedelta(days=4)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.schedules) - set(PROGRAMS))
        if unknown:
            raise ValueError(f"unknown programs: {', '.join(unknown)}")
        for program, schedule in self.schedules.items():
            codes = [due.instrument for due in schedule]
            if len(codes) != len(set(codes)):
                raise ValueError(f"{program} names an instrument twice")
        if not timedelta(hours=1) <= self.opens_before <= timedelta(days=30):
            raise ValueError("the link must open between 1 hour and 30 days before the session")
        if not timedelta(hours=1) <= self.lifetime <= timedelta(days=30):
            raise ValueError("the link must work for between 1 hour and 30 days")

    def schedule_for(self, program: str | None) -> tuple[Due, ...]:
        if program is not None and program in self.schedules:
            return self.schedules[program]
        return self.schedules.get(DEFAULT_PROGRAM, DEFAULT_SCHEDULES[DEFAULT_PROGRAM])

    def window(self, start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
        """When the link works: from `opens_before` the session (or now, if that has passed) for
        `lifetime`, and never after the session has ended."""
        available_from = max(start - self.opens_before, now)
        return available_from, min(available_from + self.lifetime, end)


def due_instruments(
    schedule: Sequence[Due], number: int, start: datetime, earlier: Iterable[tuple[str, datetime]]
) -> tuple[str, ...]:
    """The instruments due before session `number` starting at `start`, in the schedule's order.

    `earlier` holds (instrument, when) of the client's measures and of the episode's other offers
    (at their session's start): a monthly instrument is not due when one of them had it less than
    `MONTHLY_GAP` before this session.
    """
    taken = list(earlier)
    due = []
    for item in schedule:
        if item.every == EVERY_OTHER_SESSION and number % 2 == 0:
            continue
        if item.every == MONTHLY and any(
            code == item.instrument and start - MONTHLY_GAP < at < start for code, at in taken
        ):
            continue
        due.append(item.instrument)
    return tuple(due)


# -- tokens -------------------------------------------------------------------------------------
def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is kept of a token, and looked up by: its SHA-256 (a match never depends on how
    much of a guessed token was right)."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(raw: str) -> bool:
    """Whether `raw` could be a token at all (anything else is refused without a look-up)."""
    return 16 <= len(raw) <= 64 and set(raw) <= _TOKEN_ALPHABET


def offer_id_for(session_id: str) -> str:
    """One offer per session: a redelivered or repeated booking names the same offer."""
    return str(uuid.uuid5(_OFFER_IDS, session_id))


def self_report_measure_id(offer_id: str, instrument: str) -> str:
    """A resent form names the same measures, so they are recorded once."""
    return str(uuid.uuid5(_OFFER_IDS, f"{offer_id}/{instrument}"))


# -- the offer ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BookedSession:
    """What an offer needs to know of the session it comes before."""

    session_id: str
    episode_id: str
    client_id: str
    number: int
    start: datetime
    end: datetime


@dataclass
class Offer(Aggregate):
    offer_id: str
    client_id: str
    episode_id: str
    session_id: str
    session_number: int
    session_start: datetime
    session_end: datetime
    instruments: tuple[str, ...]
    token_hash: str
    available_from: datetime
    expires_at: datetime
    offered_at: datetime
    status: str = OPEN  # OPEN, or why it closed: COMPLETED, EXPIRED, SESSION_CANCELLED
    closed_at: datetime | None = None
    measure_ids: tuple[str, ...] = ()
    version: int = 0

    @classmethod
    def make(
        cls,
        session: BookedSession,
        instruments: tuple[str, ...],
        token: str,
        link: str,
        policy: SelfReportPolicy,
        now: datetime,
    ) -> Offer:
        """An offer of `instruments` before `session`, announced with its `link` (which holds `token`)."""
        available_from, expires_at = policy.window(session.start, session.end, now)
        offer = cls(
            offer_id=offer_id_for(session.session_id),
            client_id=session.client_id,
            episode_id=session.episode_id,
            session_id=session.session_id,
            session_number=session.number,
            session_start=session.start,
            session_end=session.end,
            instruments=instruments,
            token_hash=token_hash(token),
            available_from=available_from,
            expires_at=expires_at,
            offered_at=now,
        )
        offer._announce(link)
        return offer

    def same_session(self, session: BookedSession) -> bool:
        return (self.session_start, self.session_end) == (session.start, session.end)

    def move(
        self,
        session: BookedSession,
        instruments: tuple[str, ...],
        token: str,
        link: str,
        policy: SelfReportPolicy,
        now: datetime,
    ) -> bool:
        """Follows the session to its new time with a new link (the old one stops working); an
        expired offer opens again. A completed or cancelled one stays as it is (False)."""
        if self.status not in (OPEN, EXPIRED):
            return False
        available_from, expires_at = policy.window(session.start, session.end, now)
        self.session_number, self.session_start, self.session_end = session.number, session.start, session.end
        self.instruments, self.token_hash = instruments, token_hash(token)
        self.available_from, self.expires_at, self.offered_at = available_from, expires_at, now
        self.status, self.closed_at = OPEN, None
        self._announce(link)
        return True

    def state_at(self, now: datetime) -> str:
        """What the link does now: NOT_YET, OPEN, or why it no longer works."""
        if self.status != OPEN:
            return self.status
        if now >= self.expires_at:
            return EXPIRED
        return NOT_YET if now < self.available_from else OPEN

    def complete(self, measure_ids: Sequence[str], now: datetime) -> None:
        self.measure_ids = tuple(measure_ids)
        self._withdraw(COMPLETED, now)

    def expire(self, now: datetime) -> bool:
        """Closes an open offer whose time is up; False when it is not (or no longer open)."""
        if self.status != OPEN or now < self.expires_at:
            return False
        self._withdraw(EXPIRED, now)
        return True

    def cancel(self, now: datetime) -> bool:
        """The session will not take place: an open offer is withdrawn (False otherwise)."""
        if self.status != OPEN:
            return False
        self._withdraw(SESSION_CANCELLED, now)
        return True

    def _withdraw(self, reason: str, now: datetime) -> None:
        self.status, self.closed_at = reason, now
        self.raise_event(
            SelfReportWithdrawn(offer_id=self.offer_id, client_id=self.client_id, reason=reason, withdrawn_at=now)
        )

    def _announce(self, link: str) -> None:
        self.raise_event(
            SelfReportOffered(
                offer_id=self.offer_id,
                client_id=self.client_id,
                episode_id=self.episode_id,
                session_id=self.session_id,
                session_start=self.session_start,
                instruments=self.instruments,
                link=link,
                available_from=self.available_from,
                expires_at=self.expires_at,
                offered_at=self.offered_at,
            )
        )


def self_reported(
    offer: Offer, result: ScreeningResult, answers: Sequence[object], extras: Mapping[str, object], now: datetime
) -> Measure:
    """A measure the client answered for `offer`: kept like any taken outside a session, with its
    answers, counting towards the offer's episode."""
    measure = taken_outside_session(
        self_report_measure_id(offer.offer_id, result.instrument),
        offer.client_id,
        result,
        answers,
        extras,
        "client",
        now,
    )
    return replace(measure, source=SELF_REPORT, recorded_by=None, episode_id=offer.episode_id)
