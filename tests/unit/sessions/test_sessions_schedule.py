"""Recurring series across clock changes, the conflicts that stop a booking, the 90-day window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.sessions.domain.schedule import (
    CLIENT_DOUBLE_BOOKED,
    CLINICIAN_DOUBLE_BOOKED,
    OUTSIDE_WORKING_HOURS,
    ConflictItem,
    Slot,
    check_start_window,
    conflicts,
    series,
)
from services.sessions.domain.working_hours import WorkingHours
from shared.errors import Invalid

NEW_YORK, LONDON = "America/New_York", "Europe/London"
NY, LDN = ZoneInfo(NEW_YORK), ZoneInfo(LONDON)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def invalid(call, *args) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as refused:
        call(*args)
    return refused.value.errors


# --- recurrence --------------------------------------------------------------------------------


def test_new_york_keeps_10_local_across_the_march_change_so_the_utc_hour_moves():
    # Clocks go forward on Sunday 8 March 2026 in the US.
    slots = series(utc(2026, 3, 2, 15), 50, 3, "weekly", NEW_YORK)
    assert [s.start for s in slots] == [utc(2026, 3, 2, 15), utc(2026, 3, 9, 14), utc(2026, 3, 16, 14)]
    assert [(s.local_start.date().isoformat(), s.local_start.hour) for s in slots] == [
        ("2026-03-02", 10),
        ("2026-03-09", 10),
        ("2026-03-16", 10),
    ]
    assert all(s.end - s.start == timedelta(minutes=50) for s in slots)
    assert all(s.start.tzinfo is UTC and s.end.tzinfo is UTC for s in slots)


def test_london_keeps_10_local_across_the_march_change():
    # Clocks go forward on Sunday 29 March 2026 in the UK; the start is given in another offset.
    first = datetime(2026, 3, 23, 11, tzinfo=ZoneInfo("Europe/Paris"))  # 10:00 in London
    slots = series(first, 60, 2, "weekly", LONDON)
    assert [s.start for s in slots] == [utc(2026, 3, 23, 10), utc(2026, 3, 30, 9)]
    assert [s.local_start.hour for s in slots] == [10, 10]
    assert [s.time_zone for s in slots] == [LONDON, LONDON]


def test_a_fall_back_series_keeps_10_local_too():
    # Clocks go back on Sunday 25 October 2026 in the UK and on 1 November in the US.
    london = series(datetime(2026, 10, 19, 10, tzinfo=LDN), 60, 2, "weekly", LONDON)
    assert [s.start for s in london] == [utc(2026, 10, 19, 9), utc(2026, 10, 26, 10)]
    new_york = series(datetime(2026, 10, 26, 10, tzinfo=NY), 60, 2, "weekly", NEW_YORK)
    assert [s.start for s in new_york] == [utc(2026, 10, 26, 14), utc(2026, 11, 2, 15)]
    assert [s.local_start.hour for s in london + new_york] == [10, 10, 10, 10]


def test_fortnightly_is_every_other_week_at_the_same_local_time():
    slots = series(datetime(2026, 3, 16, 10, tzinfo=LDN), 60, 4, "fortnightly", LONDON)
    dates = [s.local_start.date() for s in slots]
    assert [later - earlier for earlier, later in zip(dates, dates[1:], strict=False)] == [timedelta(days=14)] * 3
    assert [s.start for s in slots] == [
        utc(2026, 3, 16, 10),
        utc(2026, 3, 30, 9),
        utc(2026, 4, 13, 9),
        utc(2026, 4, 27, 9),
    ]


def test_a_weekly_series_has_as_many_slots_as_asked_seven_days_apart():
    slots = series(datetime(2026, 1, 5, 14, tzinfo=LDN), 45, 52, "weekly", LONDON)
    assert len(slots) == 52
    dates = [s.local_start.date() for s in slots]
    assert {later - earlier for earlier, later in zip(dates, dates[1:], strict=False)} == {timedelta(days=7)}
    assert slots[-1].local_start == datetime(2026, 12, 28, 14, tzinfo=LDN)  # 51 weeks on


@pytest.mark.parametrize(
    ("first", "zone", "missing_day"),
    [
        (datetime(2026, 3, 1, 2, 30, tzinfo=NY), NEW_YORK, "02:30 on 2026-03-08"),
        (datetime(2026, 3, 22, 1, 30, tzinfo=LDN), LONDON, "01:30 on 2026-03-29"),
    ],
)
def test_a_time_in_the_spring_forward_gap_is_refused_naming_the_date(first, zone, missing_day):
    errors = invalid(series, first, 60, 3, "weekly", zone)
    assert list(errors) == ["start"]
    assert len(errors["start"]) == 1
    assert errors["start"][0].startswith(f"{missing_day} does not exist in {zone}")


def test_a_fortnightly_series_that_steps_over_the_gap_is_fine():
    slots = series(datetime(2026, 3, 1, 2, 30, tzinfo=NY), 60, 2, "fortnightly", NEW_YORK)
    assert [s.local_start.hour for s in slots] == [2, 2]
    assert slots[1].start == utc(2026, 3, 15, 6, 30)


def test_an_ambiguous_fall_back_time_takes_the_first_occurrence():
    # 01:30 happens twice on 1 November 2026 in New York: 05:30Z (EDT) and then 06:30Z (EST).
    slots = series(datetime(2026, 10, 25, 1, 30, tzinfo=NY), 60, 2, "weekly", NEW_YORK)
    assert slots[1].start == utc(2026, 11, 1, 5, 30)
    assert slots[1].local_start.utcoffset() == timedelta(hours=-4)
    london = series(datetime(2026, 10, 18, 1, 30, tzinfo=LDN), 60, 2, "weekly", LONDON)
    assert london[1].start == utc(2026, 10, 25, 0, 30)


def test_a_session_in_the_repeated_hour_lasts_its_duration_in_elapsed_time():
    [_, repeated] = series(datetime(2026, 10, 25, 1, 30, tzinfo=NY), 60, 2, "weekly", NEW_YORK)
    assert (repeated.start, repeated.end) == (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30))
    assert repeated.local_end.isoformat() == "2026-11-01T01:30:00-05:00"  # the second 01:30


def test_a_first_start_in_the_second_occurrence_is_kept_as_the_exact_instant_given():
    slots = series(utc(2026, 11, 1, 6, 30), 60, 2, "weekly", NEW_YORK)  # 01:30 EST, the second one
    assert [s.start for s in slots] == [utc(2026, 11, 1, 6, 30), utc(2026, 11, 8, 6, 30)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 53}, "count"),
        ({"duration_minutes": 14}, "duration_minutes"),
        ({"duration_minutes": 241}, "duration_minutes"),
        ({"frequency": "monthly"}, "frequency"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"first_start": datetime(2026, 3, 2, 10)}, "start"),
    ],
)
def test_bad_series_arguments_are_refused_naming_the_field(changes, field):
    arguments = dict(first_start=utc(2026, 3, 2, 15), duration_minutes=50, count=3, frequency="weekly")
    arguments.update(time_zone=NEW_YORK)
    arguments.update(changes)
    with pytest.raises(Invalid) as refused:
        series(**arguments)
    assert list(refused.value.errors) == [field]


def test_the_limits_themselves_are_allowed():
    assert len(series(utc(2026, 3, 2, 15), 15, 1, "weekly", NEW_YORK)) == 1
    assert len(series(utc(2026, 3, 2, 15), 240, 52, "weekly", NEW_YORK)) == 52


def test_every_bad_series_argument_is_named_at_once():
    errors = invalid(series, datetime(2026, 3, 2, 10), 5, 0, "daily", "Nowhere")
    assert set(errors) == {"start", "duration_minutes", "count", "frequency", "time_zone"}


# --- slots -------------------------------------------------------------------------------------


def test_a_slot_keeps_utc_instants_and_refuses_naive_or_backwards_times():
    slot = Slot(datetime(2026, 3, 2, 10, tzinfo=NY), datetime(2026, 3, 2, 11, tzinfo=NY), NEW_YORK)
    assert (slot.start, slot.end) == (utc(2026, 3, 2, 15), utc(2026, 3, 2, 16))
    assert slot.local_start == datetime(2026, 3, 2, 10, tzinfo=NY)
    assert list(invalid(Slot, datetime(2026, 3, 2, 10), utc(2026, 3, 2, 11))) == ["start"]
    assert list(invalid(Slot, utc(2026, 3, 2, 11), utc(2026, 3, 2, 11))) == ["end"]


# --- conflicts ---------------------------------------------------------------------------------

HOURS = WorkingHours.parse({"monday": [["09:00", "17:00"]], "tuesday": [["09:00", "12:00"], ["13:00", "17:00"]]})


def ny_slot(day: int, hour: int, minute: int = 0, minutes: int = 60) -> Slot:
    """A slot in the week of Monday 2 March 2026, New York wall-clock."""
    start = datetime(2026, 3, day, hour, minute, tzinfo=NY)
    return Slot(start, start + timedelta(minutes=minutes), NEW_YORK)


def check(proposed: list[Slot], clinician_busy=(), client_busy=()) -> list[ConflictItem]:
    return conflicts(proposed, list(clinician_busy), list(client_busy), HOURS, NEW_YORK)


def test_a_free_slot_inside_working_hours_has_no_conflict():
    assert check([ny_slot(2, 10)], clinician_busy=[ny_slot(2, 14)], client_busy=[ny_slot(3, 10)]) == []


def test_the_clinician_double_booked():
    proposed = ny_slot(2, 10)
    assert check([proposed], clinician_busy=[ny_slot(2, 10, 30)]) == [
        ConflictItem(proposed.start, CLINICIAN_DOUBLE_BOOKED)
    ]


def test_the_client_double_booked():
    proposed = ny_slot(2, 10)
    assert check([proposed], client_busy=[ny_slot(2, 9, 30)]) == [ConflictItem(proposed.start, CLIENT_DOUBLE_BOOKED)]


def test_a_slot_wholly_inside_a_busy_one_overlaps():
    proposed = ny_slot(2, 10, 15, minutes=30)
    assert [c.reason for c in check([proposed], clinician_busy=[ny_slot(2, 10)])] == [CLINICIAN_DOUBLE_BOOKED]


def test_back_to_back_is_allowed():
    proposed = ny_slot(2, 10)
    assert check([proposed], clinician_busy=[ny_slot(2, 9)], client_busy=[ny_slot(2, 11)]) == []


@pytest.mark.parametrize(
    "proposed",
    [
        ny_slot(2, 8, 30),  # starts before the day
        ny_slot(2, 16, 30),  # crosses the end of the working day
        ny_slot(3, 11, 30),  # runs into Tuesday's lunch break
        ny_slot(4, 10),  # Wednesday: not a working day
    ],
)
def test_outside_working_hours(proposed):
    assert check([proposed]) == [ConflictItem(proposed.start, OUTSIDE_WORKING_HOURS)]


def test_a_slot_ending_exactly_at_the_end_of_the_day_fits():
    assert check([ny_slot(2, 16)]) == []


def test_one_slot_may_have_every_reason_and_each_is_reported_in_order():
    proposed = [ny_slot(2, 10), ny_slot(2, 16, 30)]
    found = check(proposed, clinician_busy=[ny_slot(2, 16)], client_busy=[ny_slot(2, 17)])
    assert found == [
        ConflictItem(proposed[1].start, CLINICIAN_DOUBLE_BOOKED),
        ConflictItem(proposed[1].start, CLIENT_DOUBLE_BOOKED),
        ConflictItem(proposed[1].start, OUTSIDE_WORKING_HOURS),
    ]


def test_working_hours_are_read_in_the_clinicians_zone_on_each_date():
    # 13:30Z is 08:30 in New York before the March change (outside) and 09:30 after it (inside).
    before, after = (
        Slot(utc(2026, 3, 2, 13, 30), utc(2026, 3, 2, 14, 30)),
        Slot(utc(2026, 3, 9, 13, 30), utc(2026, 3, 9, 14, 30)),
    )
    assert check([before, after]) == [ConflictItem(before.start, OUTSIDE_WORKING_HOURS)]
    # The same instants for a London clinician: 13:30 local on both Mondays, inside.
    assert conflicts([before, after], [], [], HOURS, LONDON) == []


def test_a_series_across_the_change_stays_inside_local_hours():
    proposed = series(datetime(2026, 3, 2, 9, tzinfo=NY), 60, 3, "weekly", NEW_YORK)
    assert check(proposed) == []


def test_an_unknown_zone_is_refused():
    assert list(invalid(conflicts, [ny_slot(2, 10)], [], [], HOURS, "Atlantis/Central")) == ["time_zone"]


# --- the 90-day window -------------------------------------------------------------------------

NOW = utc(2026, 11, 26, 9)


def test_a_series_may_start_up_to_90_days_in_the_past():
    check_start_window(NOW - timedelta(days=90), NOW)
    check_start_window(NOW - timedelta(days=3), NOW)
    check_start_window(NOW + timedelta(days=30), NOW)


def test_a_series_starting_more_than_90_days_ago_is_refused():
    errors = invalid(check_start_window, NOW - timedelta(days=90, minutes=1), NOW)
    assert errors == {"start": ["A series may start at most 90 days in the past, not before 2026-08-28."]}


def test_the_window_compares_instants_whatever_their_offsets():
    check_start_window((NOW - timedelta(days=90)).astimezone(NY), NOW.astimezone(LDN))
    assert list(invalid(check_start_window, datetime(2026, 8, 1, 10), NOW)) == ["start"]
