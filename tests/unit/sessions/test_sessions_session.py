"""The therapy session aggregate: booking, its status rules and the events it raises."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.sessions.domain.schedule import Slot
from services.sessions.domain.session import Session
from services.sessions.domain.session_events import (
    SessionAttended,
    SessionCancelled,
    SessionNoShow,
    SessionRescheduled,
    SessionScheduled,
)
from shared.errors import Conflict, Invalid

START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
END = START + timedelta(minutes=50)
COMMON = ["session_id", "episode_id", "client_id", "clinician_id", "number", "start", "end", "modality"]


def book(**changes) -> Session:
    fields = dict(
        episode_id="ep-1",
        client_id="client-1",
        clinician_id="dr-a",
        number=1,
        start=START,
        end=END,
        modality="video",
    )
    fields.update(changes)
    return Session.schedule(**fields)


@pytest.fixture
def session() -> Session:
    booked = book()
    booked.clear_events()
    return booked


def only_event(session: Session):
    [event] = session.pending_events
    return event


# --- events ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_class", "type_", "extra"),
    [
        (SessionScheduled, "sessions.session.scheduled", []),
        (SessionRescheduled, "sessions.session.rescheduled", ["previous_start"]),
        (SessionCancelled, "sessions.session.cancelled", ["cancelled_by", "late_cancellation"]),
        (SessionAttended, "sessions.session.attended", []),
        (SessionNoShow, "sessions.session.no_show", []),
    ],
)
def test_each_event_has_its_type_and_exactly_the_contract_fields_in_order(event_class, type_, extra):
    assert type_ == event_class.TYPE
    assert event_class.VERSION == 1
    assert [f.name for f in dataclasses.fields(event_class)] == COMMON + extra


# --- scheduling --------------------------------------------------------------------------------


def test_scheduling_books_a_scheduled_session_and_raises_the_event():
    session = book(group_id="group-7", number=3)
    assert (session.status, session.cancelled_by, session.late_cancellation, session.version) == (
        "scheduled",
        None,
        False,
        0,
    )
    assert session.group_id == "group-7"
    event = only_event(session)
    assert isinstance(event, SessionScheduled)
    assert event.subject == "client-1"
    assert event.payload() == {
        "session_id": session.id,
        "episode_id": "ep-1",
        "client_id": "client-1",
        "clinician_id": "dr-a",
        "number": 3,
        "start": "2026-12-07T15:00:00+00:00",
        "end": "2026-12-07T15:50:00+00:00",
        "modality": "video",
    }


def test_times_are_kept_in_utc_whatever_offset_they_came_in():
    local = START.astimezone(ZoneInfo("America/New_York"))
    session = book(start=local, end=local + timedelta(minutes=50))
    assert (session.start, session.end) == (START, END)
    assert session.start.tzinfo is UTC


def test_two_bookings_get_different_ids():
    assert book().id != book().id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": 0}, "number"),
        ({"modality": "sms"}, "modality"),
        ({"start": datetime(2026, 12, 7, 15)}, "start"),
        ({"end": START}, "end"),
        ({"end": START + timedelta(minutes=14)}, "duration_minutes"),
        ({"end": START + timedelta(minutes=241)}, "duration_minutes"),
    ],
)
def test_a_bad_booking_is_refused_naming_the_field(changes, field):
    with pytest.raises(Invalid) as refused:
        book(**changes)
    assert list(refused.value.errors) == [field]


def test_every_bad_booking_field_is_named_at_once():
    with pytest.raises(Invalid) as refused:
        book(number=0, modality="letter", end=START - timedelta(hours=1))
    assert set(refused.value.errors) == {"number", "modality", "end"}


def test_a_session_holds_its_time_until_cancelled(session):
    assert session.slot == Slot(START, END)
    assert session.blocks_time
    session.cancel("client", START - timedelta(days=3))
    assert not session.blocks_time


# --- rescheduling ------------------------------------------------------------------------------

NOW = START - timedelta(days=2)


def test_rescheduling_moves_the_session_keeping_its_duration(session):
    session.reschedule(START + timedelta(days=1, hours=2), NOW)
    assert (session.start, session.end) == (START + timedelta(days=1, hours=2), END + timedelta(days=1, hours=2))
    event = only_event(session)
    assert isinstance(event, SessionRescheduled)
    assert (event.previous_start, event.start, event.end) == (START, session.start, session.end)
    assert session.status == "scheduled"


def test_rescheduling_to_the_same_time_changes_nothing(session):
    session.reschedule(START, NOW)
    assert session.pending_events == []


def test_a_session_cannot_be_moved_into_the_past(session):
    with pytest.raises(Invalid) as refused:
        session.reschedule(NOW - timedelta(minutes=1), NOW)
    assert list(refused.value.errors) == ["start"]
    assert session.start == START


def test_a_naive_new_start_is_refused(session):
    with pytest.raises(Invalid):
        session.reschedule(datetime(2026, 12, 9, 10), NOW)


@pytest.mark.parametrize("finish", ["attended", "no_show", "cancelled"])
def test_only_a_scheduled_session_can_be_rescheduled(session, finish):
    finish_session(session, finish)
    with pytest.raises(Conflict) as refused:
        session.reschedule(START + timedelta(days=7), START + timedelta(hours=1))
    assert "only a scheduled session can be rescheduled" in str(refused.value)
    assert refused.value.details == {"session_status": finish}
    assert session.start == START


def finish_session(session: Session, status: str) -> None:
    after = START + timedelta(minutes=1)
    {"attended": session.mark_attended, "no_show": session.mark_no_show}.get(
        status, lambda now: session.cancel("clinic", now)
    )(after)
    session.clear_events()


# --- attended and no-show ----------------------------------------------------------------------


def test_a_session_is_marked_attended_once_it_has_started(session):
    session.mark_attended(START + timedelta(minutes=50))
    assert session.status == "attended"
    assert isinstance(only_event(session), SessionAttended)


def test_a_session_is_marked_a_no_show_once_it_has_started(session):
    session.mark_no_show(START + timedelta(hours=3))
    assert session.status == "no_show"
    event = only_event(session)
    assert isinstance(event, SessionNoShow)
    assert event.session_id == session.id


def test_the_start_itself_counts_as_started(session):
    session.mark_attended(START)
    assert session.status == "attended"


@pytest.mark.parametrize(("method", "words"), [("mark_attended", "attended"), ("mark_no_show", "a no-show")])
def test_nothing_is_marked_before_the_session_has_started(session, method, words):
    with pytest.raises(Conflict) as refused:
        getattr(session, method)(START - timedelta(seconds=1))
    assert str(refused.value) == f"A session cannot be marked {words} before it has started."
    assert session.status == "scheduled"
    assert session.pending_events == []


@pytest.mark.parametrize(
    ("finish", "method", "message"),
    [
        ("attended", "mark_attended", "This session is already marked attended"),
        ("attended", "mark_no_show", "This session is already marked attended"),
        ("no_show", "mark_attended", "This session is already marked a no-show"),
        ("no_show", "mark_no_show", "This session is already marked a no-show"),
        ("cancelled", "mark_attended", "This session is cancelled"),
        ("cancelled", "mark_no_show", "This session is cancelled"),
    ],
)
def test_a_finished_session_cannot_be_marked_again(session, finish, method, message):
    finish_session(session, finish)
    with pytest.raises(Conflict) as refused:
        getattr(session, method)(START + timedelta(hours=1))
    assert str(refused.value).startswith(message)
    assert session.status == finish
    assert session.pending_events == []


# --- cancelling --------------------------------------------------------------------------------


def test_a_cancellation_with_exactly_24_hours_notice_is_in_time(session):
    session.cancel("client", START - timedelta(hours=24))
    assert (session.status, session.cancelled_by, session.late_cancellation) == ("cancelled", "client", False)
    event = only_event(session)
    assert isinstance(event, SessionCancelled)
    assert (event.cancelled_by, event.late_cancellation) == ("client", False)
    assert event.payload()["start"] == "2026-12-07T15:00:00+00:00"


def test_a_cancellation_with_less_than_24_hours_notice_is_late(session):
    session.cancel("client", START - timedelta(hours=24) + timedelta(seconds=1))
    assert session.late_cancellation
    assert only_event(session).late_cancellation is True


def test_a_clinic_cancellation_is_recorded_as_the_clinics(session):
    session.cancel("clinic", START - timedelta(hours=2))
    assert (session.cancelled_by, session.late_cancellation) == ("clinic", True)


def test_a_cancellation_after_the_start_is_late(session):
    session.cancel("client", START + timedelta(minutes=10))
    assert session.late_cancellation


def test_an_unknown_canceller_is_refused(session):
    with pytest.raises(Invalid) as refused:
        session.cancel("therapist", NOW)
    assert list(refused.value.errors) == ["cancelled_by"]
    assert session.status == "scheduled"


@pytest.mark.parametrize("finish", ["attended", "no_show", "cancelled"])
def test_a_finished_session_cannot_be_cancelled(session, finish):
    finish_session(session, finish)
    with pytest.raises(Conflict) as refused:
        session.cancel("client", START + timedelta(hours=1))
    assert "only a scheduled session can be cancelled" in str(refused.value)
    assert session.status == finish
    assert session.pending_events == []
