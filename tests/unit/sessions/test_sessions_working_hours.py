"""A clinician's weekly working hours: parsing, the errors it names, and what fits inside."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.sessions.domain.working_hours import WorkingHours, check_working_hours
from shared.errors import Invalid

LONDON = ZoneInfo("Europe/London")
HOURS = {"monday": [["09:00", "17:00"]], "tuesday": [["13:00", "17:00"], ["09:00", "12:00"]]}


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the week of Monday 2026-03-02."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


def errors_of(raw: object) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as refused:
        WorkingHours.parse(raw)
    return refused.value.errors


def test_hours_round_trip_with_each_day_sorted_and_empty_days_left_out():
    hours = WorkingHours.parse({**HOURS, "sunday": []})
    assert hours.to_dict() == {
        "monday": [["09:00", "17:00"]],
        "tuesday": [["09:00", "12:00"], ["13:00", "17:00"]],
    }
    assert check_working_hours(HOURS) == hours.to_dict()
    assert WorkingHours.parse(hours.to_dict()) == hours


def test_no_hours_at_all_is_a_valid_week_that_fits_nothing():
    hours = WorkingHours.parse({})
    assert hours.to_dict() == {}
    assert not hours.contains(local(2, 10), local(2, 11))


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ({"monday": [["17:00", "09:00"]]}, "working_hours.monday.0", "must be before the end"),
        ({"monday": [["09:00", "09:00"]]}, "working_hours.monday.0", "must be before the end"),
        ({"monday": [["9:00", "17:00"]]}, "working_hours.monday.0", '"HH:MM"'),
        ({"monday": [["09:00", "24:00"]]}, "working_hours.monday.0", '"HH:MM"'),
        ({"monday": [["09:60", "17:00"]]}, "working_hours.monday.0", '"HH:MM"'),
        ({"monday": [[900, 1700]]}, "working_hours.monday.0", '"HH:MM"'),
        ({"monday": [["09:00"]]}, "working_hours.monday.0", "a start and an end"),
        ({"monday": ["09:00-17:00"]}, "working_hours.monday.0", "a start and an end"),
        ({"monday": "09:00-17:00"}, "working_hours.monday", "list of intervals"),
        ({"Monday": [["09:00", "17:00"]]}, "working_hours.Monday", "Unknown weekday"),
        ({"funday": [["09:00", "17:00"]]}, "working_hours.funday", "Unknown weekday"),
        ([["09:00", "17:00"]], "working_hours", "weekday names"),
    ],
)
def test_a_bad_entry_is_refused_naming_its_key(raw, key, words):
    errors = errors_of(raw)
    assert list(errors) == [key]
    assert words in errors[key][0]


def test_overlapping_intervals_are_refused_naming_the_later_by_its_position():
    errors = errors_of({"tuesday": [["13:00", "17:00"], ["09:00", "13:30"]]})
    assert errors == {"working_hours.tuesday.0": ["Overlaps 09:00–13:30 on the same day."]}


def test_an_interval_inside_a_long_one_is_an_overlap_even_if_not_next_to_it():
    errors = errors_of({"monday": [["09:00", "17:00"], ["10:00", "11:00"], ["12:00", "13:00"]]})
    assert set(errors) == {"working_hours.monday.1", "working_hours.monday.2"}


def test_touching_intervals_do_not_overlap():
    hours = WorkingHours.parse({"monday": [["09:00", "12:00"], ["12:00", "17:00"]]})
    assert hours.to_dict()["monday"] == [["09:00", "12:00"], ["12:00", "17:00"]]


def test_every_bad_key_is_named_at_once():
    errors = errors_of({"monday": [["17:00", "09:00"], ["10:00", "11:00"]], "friday": "all day", "noday": []})
    assert set(errors) == {"working_hours.monday.0", "working_hours.friday", "working_hours.noday"}


def test_a_session_fits_only_inside_one_interval_of_its_weekday():
    hours = WorkingHours.parse(HOURS)
    assert hours.contains(local(2, 9), local(2, 17))  # the whole Monday, ends inclusive
    assert hours.contains(local(3, 10), local(3, 11))  # Tuesday morning
    assert not hours.contains(local(2, 8, 30), local(2, 9, 30))  # starts before the day
    assert not hours.contains(local(2, 16, 30), local(2, 17, 30))  # crosses the end of the day
    assert not hours.contains(local(3, 11, 30), local(3, 12, 30))  # runs into the lunch break
    assert not hours.contains(local(4, 10), local(4, 11))  # Wednesday: no hours


def test_a_session_across_midnight_or_backwards_never_fits():
    hours = WorkingHours.parse({"monday": [["00:00", "23:59"]], "tuesday": [["00:00", "23:59"]]})
    assert not hours.contains(local(2, 23, 30), local(3, 0, 30))
    assert not hours.contains(local(2, 11), local(2, 10))


def test_the_wall_clock_given_is_what_is_read():
    """The caller converts to the clinician's zone first: 09:30 in London is 04:30 in New York."""
    hours = WorkingHours.parse(HOURS)
    start = local(2, 9, 30).astimezone(ZoneInfo("America/New_York"))
    assert not hours.contains(start, start.replace(hour=5, minute=30))
