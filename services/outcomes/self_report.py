"""Use cases of client self-report: offers follow sessions' bookings, the client's answers are
scored and recorded like any other measure, and offers whose time is up are closed.

Each consumed event is applied so that a second delivery changes nothing: one offer per session
(its id comes from the session's), a booking at the time the offer already has is no change, and
only an open offer is withdrawn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from services.outcomes import handlers
from services.outcomes.adapters.offers import OfferRepository
from services.outcomes.domain.measure import Measure, score_answers
from services.outcomes.domain.self_report import (
    COMPLETED,
    DEFAULT_SCHEDULES,
    FREQUENCIES,
    OPEN,
    BookedSession,
    Due,
    Offer,
    SelfReportPolicy,
    due_instruments,
    looks_like_token,
    new_token,
    offer_id_for,
    self_reported,
    token_hash,
)
from services.outcomes.handlers import Policy, Repositories
from shared.config import DEFAULT_PORTS, centre_time_zone
from shared.envelope import Envelope, utcnow
from shared.errors import AlreadyExists, Invalid, NotFound, StaleWrite
from shared.instruments import ScreeningResult, get_instrument
from shared.retry import IMMEDIATE, on_conflict, retry
from shared.uow import UnitOfWork
from shared.vocabulary import PROGRAMS

audit = logging.getLogger("audit")

PAGE_PATH = "/r/"  # the link is <public URL>/r/<token>
DEFAULT_CRISIS_TEXT = (
    "If you are in danger now, call 911. To talk to someone at any time, call or text 988 "
    "(Suicide and Crisis Lifeline)."
)
SUBMIT_ATTEMPTS = 5  # the client's answers race the worker reviewing the same episode


@dataclass(frozen=True)
class SelfReportSettings:
    policy: SelfReportPolicy = field(default_factory=SelfReportPolicy)
    public_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['outcomes']}"
    crisis_text: str = DEFAULT_CRISIS_TEXT
    zone: ZoneInfo = field(default_factory=lambda: centre_time_zone({}))
    misses_per_minute: int = 20  # links that open nothing, per address, before it is refused (0: no limit)

    def link(self, token: str) -> str:
        return f"{self.public_url}{PAGE_PATH}{token}"


@dataclass
class SelfReport:
    """The offers and the settings the self-report use cases need; `clock` is replaceable in tests."""

    offers: OfferRepository
    settings: SelfReportSettings
    clock: Callable[[], datetime] = utcnow


# -- settings -----------------------------------------------------------------------------------
def self_report_settings(env: Mapping[str, str]) -> SelfReportSettings:
    """SELF_REPORT_MEASURES (per program: PHQ-9 and GAD-7 every session; AUDIT and DAST-10 monthly
    besides for substance-use and co-occurring programs), SELF_REPORT_OPENS_HOURS_BEFORE (48),
    SELF_REPORT_LINK_DAYS (4), OUTCOMES_PUBLIC_URL (http://127.0.0.1:$OUTCOMES_PORT),
    SELF_REPORT_CRISIS_TEXT and SELF_REPORT_MISSES_PER_MINUTE (20; 0 for none). Checked at start-up:
    a mistake stops the service, naming the setting."""
    policy = SelfReportPolicy(
        schedules=_schedules(env.get("SELF_REPORT_MEASURES", "")),
        opens_before=timedelta(hours=_whole(env, "SELF_REPORT_OPENS_HOURS_BEFORE", 48)),
        lifetime=timedelta(days=_whole(env, "SELF_REPORT_LINK_DAYS", 4)),
    )
    crisis = " ".join(env.get("SELF_REPORT_CRISIS_TEXT", DEFAULT_CRISIS_TEXT).split())
    if not 10 <= len(crisis) <= 600:
        raise ValueError("SELF_REPORT_CRISIS_TEXT must say where to get help now (10 to 600 characters)")
    return SelfReportSettings(
        policy=policy,
        public_url=_public_url(env),
        crisis_text=crisis,
        zone=centre_time_zone(env),
        misses_per_minute=_whole(env, "SELF_REPORT_MISSES_PER_MINUTE", 20, least=0),
    )


def _schedules(raw: str) -> dict[str, tuple[Due, ...]]:
    """ "mental_health=phq9+gad7,substance_use=phq9+gad7+audit/monthly": per program, instruments
    joined by '+', each with '/every_session' (the default), '/every_other_session' or '/monthly';
    'none' for no self-report. Programs not named keep the defaults."""
    schedules = dict(DEFAULT_SCHEDULES)
    for pair in filter(None, (part.strip() for part in raw.split(","))):
        program, _, measures = (text.strip() for text in pair.partition("="))
        if program not in PROGRAMS:
            raise ValueError(f"SELF_REPORT_MEASURES names an unknown program {program!r}; use: {', '.join(PROGRAMS)}")
        if measures == "none":
            schedules[program] = ()
            continue
        try:
            schedules[program] = tuple(_due(item) for item in measures.split("+"))
        except ValueError as error:
            raise ValueError(f"SELF_REPORT_MEASURES for {program}: {error}") from error
    try:
        SelfReportPolicy(schedules=schedules)
    except ValueError as error:
        raise ValueError(f"SELF_REPORT_MEASURES: {error}") from error
    return schedules


def _due(item: str) -> Due:
    code, _, every = (text.strip() for text in item.partition("/"))
    if every and every not in FREQUENCIES:
        raise ValueError(f"{every!r} is not a frequency; use one of: {', '.join(FREQUENCIES)}")
    return Due(code, every) if every else Due(code)


def _whole(env: Mapping[str, str], name: str, default: int, least: int = 1) -> int:
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) < least:
        raise ValueError(f"{name} must be a whole number of {least} or more, got {raw!r}")
    return int(raw)


def _public_url(env: Mapping[str, str]) -> str:
    """Where clients reach outcomes' page: OUTCOMES_PUBLIC_URL, else this host's outcomes port."""
    port = env.get("OUTCOMES_PORT", str(DEFAULT_PORTS["outcomes"]))
    url = env.get("OUTCOMES_PUBLIC_URL", "").strip().rstrip("/") or f"http://127.0.0.1:{port}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"OUTCOMES_PUBLIC_URL must be an http(s) address like https://check-in.example.org, not {url!r}"
        )
    return url


# -- from sessions' events ----------------------------------------------------------------------
def offer_before_session(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, self_report: SelfReport
) -> None:
    """A session booked or moved: its offer made, or moved with it under a new link. Nothing for a
    session that has started, in a closed episode, or when no measure is due."""
    session = BookedSession(
        session_id=data["session_id"],
        episode_id=data["episode_id"],
        client_id=data["client_id"],
        number=data["number"],
        start=data["start"],
        end=data["end"],
    )
    now = max(event.time, self_report.clock())
    offers, settings = self_report.offers, self_report.settings
    offer = offers.get(offer_id_for(session.session_id))
    course = repos.courses.get(session.episode_id)
    if (offer is not None and offer.same_session(session)) or session.start <= now or (course and course.closed_at):
        uow.commit()
        return
    instruments = _due_before(session, course.program if course else None, repos, self_report)
    if offer is None and not instruments:
        uow.commit()
        return
    token = new_token()
    if offer is None:
        offers.add(Offer.make(session, instruments, token, settings.link(token), settings.policy, now), uow)
    elif offer.move(session, instruments or offer.instruments, token, settings.link(token), settings.policy, now):
        offers.save(offer, uow)
    uow.commit()


def withdraw_for_cancelled_session(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, self_report: SelfReport
) -> None:
    offer = self_report.offers.get(offer_id_for(data["session_id"]))
    if offer is not None and offer.cancel(max(event.time, self_report.clock())):
        self_report.offers.save(offer, uow)
    uow.commit()


def follow_episode_closed(
    event: Envelope,
    data: dict[str, Any],
    uow: UnitOfWork,
    repos: Repositories,
    policy: Policy,
    self_report: SelfReport,
) -> None:
    """A closed episode's sessions will not take place: its open offers are withdrawn, in the same
    transaction as outcomes' own review of the closed episode."""
    now = max(event.time, self_report.clock())
    for offer in self_report.offers.open_for_episode(data["episode_id"]):
        offer.cancel(now)
        self_report.offers.save(offer, uow)
    handlers.follow_episode_closed(event, data, uow, repos, policy)


def _due_before(
    session: BookedSession, program: str | None, repos: Repositories, self_report: SelfReport
) -> tuple[str, ...]:
    """What the program asks before this session, given what the client took (or is offered) before."""
    if program is None:
        enrolment = repos.enrolments.get(session.client_id)
        program = enrolment.program if enrolment else None
    earlier = [(m.instrument, m.administered_at) for m in repos.measures.for_client(session.client_id)]
    earlier += [
        (code, other.session_start)
        for other in self_report.offers.for_episode(session.episode_id)
        if other.session_id != session.session_id and other.status in (OPEN, COMPLETED)
        for code in other.instruments
    ]
    schedule = self_report.settings.policy.schedule_for(program)
    return due_instruments(schedule, session.number, session.start, earlier)


# -- the timer ----------------------------------------------------------------------------------
def expire_offers(new_uow: Callable[[], UnitOfWork], self_report: SelfReport) -> int:
    """Closes open offers whose time is up (announcing it); returns how many. One lost to a
    concurrent change is left for the next round."""
    now = self_report.clock()
    closed = 0
    for offer in self_report.offers.expired(now):
        if not offer.expire(now):
            continue
        uow = new_uow()
        self_report.offers.save(offer, uow)
        try:
            uow.commit()
        except StaleWrite:
            continue
        closed += 1
    return closed


# -- the client's page --------------------------------------------------------------------------
def offer_for_token(token: str, self_report: SelfReport) -> Offer | None:
    """The offer a link's token opens, or None (anything not shaped like a token is not looked up)."""
    if not looks_like_token(token):
        return None
    return self_report.offers.by_token_hash(token_hash(token))


Answers = tuple[Sequence[object], Mapping[str, object]]  # the item answers and the extra answers


@dataclass(frozen=True)
class Received:
    """The answers were scored and recorded."""

    measures: tuple[Measure, ...]

    @property
    def self_harm_positive(self) -> bool:
        """Whether the client should be shown where to get help now (PHQ-9 item 9 above 0)."""
        return any(measure.self_harm_positive for measure in self.measures)


@dataclass(frozen=True)
class NotAccepted:
    """The link no longer (or not yet) takes answers: `state` says why."""

    state: str


def submit_answers(
    token: str,
    answers: Mapping[str, Answers],
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
    policy: Policy,
    self_report: SelfReport,
) -> Received | NotAccepted:
    """Scores every due instrument with the shared library and records them all, or none: Invalid
    names every bad answer as "<instrument>.<key>". The offer is completed with them, and the
    episode reviewed (statuses, alerts) as for any measure. A resent form finds it completed."""

    def attempt() -> Received | NotAccepted:
        offer = offer_for_token(token, self_report)
        if offer is None:
            raise NotFound("self-report link")
        now = self_report.clock()
        state = offer.state_at(now)
        if state != OPEN:
            return NotAccepted(state)
        measures = [
            self_reported(offer, result, given, extras, now).record()
            for result, given, extras in _scored(offer, answers, policy)
        ]
        uow = new_uow()
        for measure in measures:
            repos.measures.add(measure, uow)
        offer.complete([measure.measure_id for measure in measures], now)
        self_report.offers.save(offer, uow)
        course = repos.courses.get(offer.episode_id)
        if course is not None and measures:
            handlers.review_episode(course, False, measures[0], now, uow, repos, policy, extra=measures[1:])
        uow.commit()
        audit.info(
            "self-report received",
            extra={"actor": "client-link", "action": "self_report.completed", "client_id": offer.client_id},
        )
        return Received(tuple(measures))

    return retry(attempt, should_retry=on_conflict((StaleWrite, AlreadyExists), SUBMIT_ATTEMPTS), backoff=IMMEDIATE)


def _scored(
    offer: Offer, answers: Mapping[str, Answers], policy: Policy
) -> list[tuple[ScreeningResult, Sequence[object], Mapping[str, object]]]:
    """Each due instrument scored; Invalid naming every bad answer of every instrument at once."""
    scored, errors = [], {}
    for code in offer.instruments:
        given, extras = answers.get(code, ([None] * len(get_instrument(code).items), {}))
        try:
            scored.append((score_answers(code, given, extras, policy.cutoffs), given, extras))
        except Invalid as invalid:
            errors.update({f"{code}.{key}": messages for key, messages in invalid.errors.items()})
    if errors:
        raise Invalid(errors)
    return scored
