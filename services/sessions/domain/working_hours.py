"""A clinician's weekly working hours: when sessions may be booked with them.

Stored and sent as `{"monday": [["09:00", "17:00"]], "tuesday": [["09:00", "12:00"], ["13:00",
"17:00"]]}`: lower-case weekday names (any subset), each with "HH:MM" intervals in the clinician's
own time zone. The hours hold wall-clock times only; which zone they are read in is the
clinician's (passed alongside, see `schedule.conflicts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import TypeGuard

from shared.errors import Invalid
from shared.vocabulary import WEEKDAYS

FIELD = "working_hours"
# 24-hour "HH:MM" with two digits each, so "9:00" or "24:00" never slips through as something else.
HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
EXAMPLE = '{"monday": [["09:00", "17:00"]]}'


@dataclass(frozen=True)
class Interval:
    """One stretch of a working day, start before end, both on the same day."""

    start: time
    end: time

    def covers(self, start: time, end: time) -> bool:
        # Ends are inclusive: a session ending exactly at 17:00 fits a day that ends at 17:00.
        return self.start <= start and end <= self.end

    def to_list(self) -> list[str]:
        return [_hhmm(self.start), _hhmm(self.end)]


@dataclass(frozen=True)
class WorkingHours:
    """The week's intervals, indexed like `datetime.weekday()` (0 is Monday), each day's sorted
    by start. Build it with `WorkingHours.parse`; a day without hours is an empty tuple."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != len(WEEKDAYS):
            raise ValueError("working hours need one entry per weekday, Monday first")

    @classmethod
    def parse(cls, raw: object, field: str = FIELD) -> WorkingHours:
        """The hours from their stored or submitted form; raises `Invalid` naming every bad key
        at once (`working_hours`, `working_hours.friday`, `working_hours.monday.0`, ...)."""
        if not isinstance(raw, dict):
            raise Invalid({field: [f"Give the weekly hours as weekday names with intervals, e.g. {EXAMPLE}."]})
        errors: dict[str, list[str]] = {}
        days: list[tuple[Interval, ...]] = [() for _ in WEEKDAYS]
        for day, intervals in raw.items():
            key = f"{field}.{day}"
            if day not in WEEKDAYS:
                errors[key] = [f"Unknown weekday; use lower-case names: {', '.join(WEEKDAYS)}."]
                continue
            days[WEEKDAYS.index(day)] = _parse_day(intervals, key, errors)
        if errors:
            raise Invalid(errors)
        return cls(days=tuple(days))

    def contains(self, start_local: datetime, end_local: datetime) -> bool:
        """Whether a session from `start_local` to `end_local` lies entirely within one interval
        of its weekday. Both must already be in the clinician's time zone: only their wall-clock
        is read. A session running past midnight never fits (no interval does)."""
        if end_local <= start_local or end_local.date() != start_local.date():
            return False
        start, end = start_local.time(), end_local.time()
        return any(interval.covers(start, end) for interval in self.days[start_local.weekday()])

    def to_dict(self) -> dict[str, list[list[str]]]:
        """The stored and API form; days without hours are left out."""
        return {
            day: [i.to_list() for i in intervals]
            for day, intervals in zip(WEEKDAYS, self.days, strict=True)
            if intervals
        }


def check_working_hours(raw: object) -> dict[str, list[list[str]]]:
    """Validates hours and returns them in their stored form (intervals sorted): the shape a
    clinician profile's hours check takes. Raises `Invalid` like `WorkingHours.parse`."""
    return WorkingHours.parse(raw).to_dict()


def _parse_day(raw: object, key: str, errors: dict[str, list[str]]) -> tuple[Interval, ...]:
    if not _is_list(raw):
        errors[key] = ['Give a list of intervals, e.g. [["09:00", "17:00"]].']
        return ()
    parsed: list[tuple[int, Interval]] = []
    for index, item in enumerate(raw):
        interval = _parse_interval(item, f"{key}.{index}", errors)
        if interval is not None:
            parsed.append((index, interval))
    _check_overlaps(parsed, key, errors)
    return tuple(interval for _, interval in sorted(parsed, key=lambda pair: pair[1].start))


def _parse_interval(raw: object, key: str, errors: dict[str, list[str]]) -> Interval | None:
    if not _is_list(raw) or len(raw) != 2:
        errors[key] = ['Give a start and an end, e.g. ["09:00", "17:00"].']
        return None
    start, end = _parse_time(raw[0]), _parse_time(raw[1])
    if start is None or end is None:
        errors[key] = [f'Use 24-hour "HH:MM" times from "00:00" to "23:59", e.g. ["09:00", "17:00"]; got {raw!r}.']
        return None
    if start >= end:
        errors[key] = [f"The start ({_hhmm(start)}) must be before the end ({_hhmm(end)}) on the same day."]
        return None
    return Interval(start, end)


def _check_overlaps(parsed: list[tuple[int, Interval]], key: str, errors: dict[str, list[str]]) -> None:
    """Names the later of two overlapping intervals by its position as given. Touching
    intervals (12:00 end, 12:00 start) do not overlap, as back-to-back sessions do not."""
    reach: Interval | None = None  # of the intervals seen so far, the one that ends last
    for index, interval in sorted(parsed, key=lambda pair: pair[1].start):
        if reach is not None and interval.start < reach.end:
            message = f"Overlaps {_hhmm(reach.start)}–{_hhmm(reach.end)} on the same day."
            errors.setdefault(f"{key}.{index}", []).append(message)
        if reach is None or interval.end > reach.end:
            reach = interval


def _parse_time(raw: object) -> time | None:
    match = HHMM.match(raw) if isinstance(raw, str) else None
    return time(int(match[1]), int(match[2])) if match else None


def _is_list(raw: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    # JSON arrays arrive as lists; tuples are accepted for callers building hours in code.
    return isinstance(raw, (list, tuple))


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")
