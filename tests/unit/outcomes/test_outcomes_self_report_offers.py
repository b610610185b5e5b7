"""Self-report offers on fake storage: made per program when sessions are booked, moved with a new
link when a session moves, withdrawn when it is cancelled or its episode closes, closed by the
timer when their time is up; each event delivered again changes nothing. Settings checked at start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.outcomes import bootstrap, self_report
from services.outcomes.domain.self_report import (
    EVERY_OTHER_SESSION,
    MONTHLY,
    Due,
    SelfReportPolicy,
    due_instruments,
    token_hash,
)
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLIENT, EPISODE, CLINICIAN = "client-sr", "episode-sr", "dr-sr"


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    deps = bootstrap.fake_dependencies({"OUTCOMES_PORT": "8123"})
    deps.self_report.clock = lambda: NOW
    return deps


def deliver(deps, type_: str, at: datetime = NOW, **changes) -> Envelope:
    data = dict(contract_for(type_, 1).example, client_id=CLIENT, **changes)
    event = Envelope(type=type_, version=1, source=type_.split(".")[0], subject=CLIENT, data=data, time=at)
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))
    return event


def published(deps, type_: str) -> list[dict]:
    return [e.data for e in deps.memory.outbox if e.type == type_]


def episode(deps, program: str = "mental_health", episode_id: str = EPISODE) -> None:
    deliver(deps, "sessions.episode.opened", episode_id=episode_id, program=program, opened_at=NOW.isoformat())
    deliver(deps, "sessions.episode.assigned", episode_id=episode_id, program=program, clinician_id=CLINICIAN)


def book(deps, number: int, start: datetime, session_id: str | None = None, episode_id: str = EPISODE) -> str:
    session_id = session_id or f"session-{number}"
    end = start + timedelta(minutes=50)
    deliver(
        deps,
        "sessions.session.scheduled",
        session_id=session_id,
        episode_id=episode_id,
        number=number,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return session_id


def weekly(deps, count: int, first: datetime) -> list[str]:
    return [book(deps, number, first + timedelta(weeks=number - 1)) for number in range(1, count + 1)]


def offered_instruments(deps) -> dict[str, list[str]]:
    return {data["session_id"]: data["instruments"] for data in published(deps, "outcomes.self_report.offered")}


# -- offers per program -------------------------------------------------------------------------
def test_a_booked_session_is_offered_with_a_one_time_link_before_it(deps):
    episode(deps)
    start = NOW + timedelta(days=7)
    book(deps, 1, start)
    [offer] = published(deps, "outcomes.self_report.offered")
    assert (offer["client_id"], offer["episode_id"], offer["session_id"]) == (CLIENT, EPISODE, "session-1")
    assert offer["instruments"] == ["phq9", "gad7"]
    assert offer["session_start"] == start.isoformat()
    # Usable from 48 hours before, for at most 4 days, and never after the session has ended.
    assert offer["available_from"] == (start - timedelta(hours=48)).isoformat()
    assert offer["expires_at"] == (start + timedelta(minutes=50)).isoformat()
    assert offer["offered_at"] == NOW.isoformat()
    base, _, token = offer["link"].rpartition("/")
    assert base == "http://127.0.0.1:8123/r" and len(token) >= 22  # at least 128 random bits
    # Only a hash of the token is kept.
    [stored] = deps.memory.collection("self_report_offers").values()
    assert token not in str(stored) and stored["token_hash"] == token_hash(token)


def test_substance_use_programs_add_audit_and_dast10_monthly(deps):
    episode(deps, "substance_use")
    weekly(deps, 6, NOW + timedelta(days=3))
    assert offered_instruments(deps) == {
        "session-1": ["phq9", "gad7", "audit", "dast10"],
        "session-2": ["phq9", "gad7"],
        "session-3": ["phq9", "gad7"],
        "session-4": ["phq9", "gad7"],
        "session-5": ["phq9", "gad7", "audit", "dast10"],  # four weeks after the first
        "session-6": ["phq9", "gad7"],
    }


def test_co_occurring_programs_too_and_a_recent_measure_counts_for_the_month(deps):
    episode(deps, "co_occurring")
    deliver(
        deps,
        "intake.screening.completed",
        screening_id="screen-audit",
        instrument="audit",
        total=9,
        severity="hazardous",
        positive=True,
        flags=[],
        administered_at=(NOW - timedelta(days=10)).isoformat(),
    )
    weekly(deps, 3, NOW + timedelta(days=3))
    offers = offered_instruments(deps)
    assert offers["session-1"] == ["phq9", "gad7", "dast10"]  # AUDIT was screened 13 days before
    assert offers["session-3"] == ["phq9", "gad7", "audit"]  # 27 days after the screening


def test_a_client_in_a_mental_health_program_is_never_asked_about_substances(deps):
    episode(deps, "mental_health")
    weekly(deps, 5, NOW + timedelta(days=3))
    assert {tuple(codes) for codes in offered_instruments(deps).values()} == {("phq9", "gad7")}


def test_the_programs_measures_are_a_setting():
    deps = bootstrap.fake_dependencies(
        {"SELF_REPORT_MEASURES": "mental_health=phq9+gad7/every_other_session,substance_use=none"}
    )
    deps.self_report.clock = lambda: NOW
    episode(deps)
    weekly(deps, 3, NOW + timedelta(days=3))
    assert offered_instruments(deps) == {
        "session-1": ["phq9", "gad7"],
        "session-2": ["phq9"],
        "session-3": ["phq9", "gad7"],
    }
    episode(deps, "substance_use", episode_id="episode-su")
    book(deps, 1, NOW + timedelta(days=5), session_id="su-1", episode_id="episode-su")
    assert "su-1" not in offered_instruments(deps)


def test_sessions_that_have_started_or_belong_to_a_closed_episode_get_no_offer(deps):
    episode(deps)
    book(deps, 1, NOW - timedelta(minutes=5))  # a course begun on paper: booked in the past
    deliver(deps, "sessions.episode.closed", episode_id=EPISODE, closed_at=NOW.isoformat())
    book(deps, 2, NOW + timedelta(days=3))
    assert published(deps, "outcomes.self_report.offered") == []


def test_a_session_booked_at_short_notice_is_offered_from_now(deps):
    episode(deps)
    start = NOW + timedelta(hours=5)
    book(deps, 1, start)
    [offer] = published(deps, "outcomes.self_report.offered")
    assert offer["available_from"] == NOW.isoformat()
    assert offer["expires_at"] == (start + timedelta(minutes=50)).isoformat()


# -- moves, cancellations, redelivery -----------------------------------------------------------
def test_a_booking_delivered_again_is_one_offer(deps):
    episode(deps)
    start = NOW + timedelta(days=7)
    book(deps, 1, start)
    book(deps, 1, start)
    assert len(published(deps, "outcomes.self_report.offered")) == 1
    assert len(deps.memory.collection("self_report_offers")) == 1


def test_a_moved_session_is_offered_again_with_a_new_link_and_the_old_one_stops(deps):
    episode(deps)
    start, later = NOW + timedelta(days=7), NOW + timedelta(days=9)
    book(deps, 1, start)
    rescheduled = {
        "session_id": "session-1",
        "episode_id": EPISODE,
        "number": 1,
        "start": later.isoformat(),
        "end": (later + timedelta(minutes=50)).isoformat(),
        "previous_start": start.isoformat(),
    }
    deliver(deps, "sessions.session.rescheduled", **rescheduled)
    deliver(deps, "sessions.session.rescheduled", **rescheduled)  # delivered twice
    first, moved = published(deps, "outcomes.self_report.offered")
    assert moved["offer_id"] == first["offer_id"] and moved["link"] != first["link"]
    assert moved["session_start"] == later.isoformat()
    assert moved["available_from"] == (later - timedelta(hours=48)).isoformat()
    old_token, new_token = first["link"].rpartition("/")[2], moved["link"].rpartition("/")[2]
    assert self_report.offer_for_token(old_token, deps.self_report) is None
    assert self_report.offer_for_token(new_token, deps.self_report).session_start == later


def test_a_cancelled_session_withdraws_its_offer_once(deps):
    episode(deps)
    book(deps, 1, NOW + timedelta(days=7))
    cancelled = dict(session_id="session-1", episode_id=EPISODE, cancelled_by="client", late_cancellation=False)
    deliver(deps, "sessions.session.cancelled", **cancelled)
    deliver(deps, "sessions.session.cancelled", **cancelled)
    [offer] = published(deps, "outcomes.self_report.offered")
    assert published(deps, "outcomes.self_report.withdrawn") == [
        {
            "offer_id": offer["offer_id"],
            "client_id": CLIENT,
            "reason": "session_cancelled",
            "withdrawn_at": NOW.isoformat(),
        }
    ]


def test_closing_an_episode_withdraws_its_open_offers(deps):
    episode(deps)
    weekly(deps, 2, NOW + timedelta(days=3))
    deliver(deps, "sessions.episode.closed", episode_id=EPISODE, closed_at=NOW.isoformat())
    withdrawn = published(deps, "outcomes.self_report.withdrawn")
    assert [w["reason"] for w in withdrawn] == ["session_cancelled", "session_cancelled"]
    assert deps.repos.courses.get(EPISODE).closed_at == NOW  # outcomes' own review still happened


def test_the_timer_closes_offers_whose_time_is_up(deps):
    episode(deps)
    start = NOW + timedelta(days=1)
    book(deps, 1, start)
    assert self_report.expire_offers(deps.uow, deps.self_report) == 0
    deps.self_report.clock = lambda: start + timedelta(minutes=50)
    assert self_report.expire_offers(deps.uow, deps.self_report) == 1
    assert self_report.expire_offers(deps.uow, deps.self_report) == 0
    [withdrawn] = published(deps, "outcomes.self_report.withdrawn")
    assert withdrawn["reason"] == "expired"


def test_an_expired_offer_opens_again_when_its_session_moves_later(deps):
    episode(deps)
    start = NOW + timedelta(days=1)
    book(deps, 1, start)
    deps.self_report.clock = lambda: start + timedelta(hours=1)
    self_report.expire_offers(deps.uow, deps.self_report)
    later = start + timedelta(days=7)
    deliver(
        deps,
        "sessions.session.rescheduled",
        at=start + timedelta(hours=1),
        session_id="session-1",
        episode_id=EPISODE,
        number=1,
        start=later.isoformat(),
        end=(later + timedelta(minutes=50)).isoformat(),
        previous_start=start.isoformat(),
    )
    assert len(published(deps, "outcomes.self_report.offered")) == 2
    assert deps.self_report.offers.get(published(deps, "outcomes.self_report.offered")[0]["offer_id"]).status == "open"


# -- the rules as data --------------------------------------------------------------------------
def test_monthly_is_four_weeks_give_or_take_a_day():
    schedule = (Due("audit", MONTHLY),)
    start = NOW + timedelta(days=28)
    assert due_instruments(schedule, 5, start, [("audit", NOW)]) == ("audit",)
    assert due_instruments(schedule, 5, start - timedelta(hours=20), [("audit", NOW)]) == ("audit",)
    assert due_instruments(schedule, 5, start - timedelta(days=2), [("audit", NOW)]) == ()
    assert due_instruments(schedule, 5, start, [("dast10", NOW + timedelta(days=20))]) == ("audit",)


def test_every_other_session_is_the_odd_numbered_ones():
    schedule = (Due("phq9", EVERY_OTHER_SESSION),)
    assert [bool(due_instruments(schedule, n, NOW, [])) for n in range(1, 6)] == [True, False, True, False, True]


def test_the_link_works_from_before_the_session_for_its_lifetime_at_most():
    policy = SelfReportPolicy(opens_before=timedelta(days=7), lifetime=timedelta(days=4))
    start = NOW + timedelta(days=10)
    assert policy.window(start, start + timedelta(hours=1), NOW) == (
        start - timedelta(days=7),
        start - timedelta(days=3),
    )


@pytest.mark.parametrize(
    "env, named",
    [
        ({"SELF_REPORT_MEASURES": "pediatrics=phq9"}, "unknown program"),
        ({"SELF_REPORT_MEASURES": "mental_health=bdi2"}, "cannot be a self-report"),
        ({"SELF_REPORT_MEASURES": "mental_health=cssrs"}, "cannot be a self-report"),
        ({"SELF_REPORT_MEASURES": "mental_health=phq9/weekly"}, "not a frequency"),
        ({"SELF_REPORT_MEASURES": "mental_health=phq9+phq9"}, "twice"),
        ({"SELF_REPORT_OPENS_HOURS_BEFORE": "two days"}, "SELF_REPORT_OPENS_HOURS_BEFORE"),
        ({"SELF_REPORT_LINK_DAYS": "0"}, "SELF_REPORT_LINK_DAYS"),
        ({"SELF_REPORT_LINK_DAYS": "90"}, "30 days"),
        ({"OUTCOMES_PUBLIC_URL": "check-in.example.org"}, "OUTCOMES_PUBLIC_URL"),
        ({"SELF_REPORT_CRISIS_TEXT": " "}, "SELF_REPORT_CRISIS_TEXT"),
        ({"CENTRE_TIME_ZONE": "Mars/Olympus"}, "CENTRE_TIME_ZONE"),
        ({"SELF_REPORT_MISSES_PER_MINUTE": "-1"}, "SELF_REPORT_MISSES_PER_MINUTE"),
    ],
)
def test_settings_are_checked_at_start_up(env, named):
    with pytest.raises(ValueError, match=named):
        bootstrap.fake_dependencies(env)


def test_the_public_address_is_a_setting():
    settings = self_report.self_report_settings({"OUTCOMES_PUBLIC_URL": "https://check-in.example.org/"})
    assert settings.link("abc") == "https://check-in.example.org/r/abc"
