"""Booking times: a recurring series of sessions and what stands in its way.

Instants are kept in UTC; the clinician's IANA time zone decides the wall-clock. A weekly
10:00 session stays at 10:00 local across a daylight-saving change, so its UTC time moves.

Two kinds of local time need a decision:

- A time inside a spring-forward gap (02:30 on the change day in America/New_York) does not
  exist. zoneinfo would silently give it the pre-change offset, i.e. book 03:30, so the series is
  refused with `Invalid({"start": [...]})` naming each such date.
- A time inside the fall-back hour (01:30 on the change day) happens twice. Occurrences after
  the first take the FIRST of the two (fold=0, still on summer time). The first start itself is
  an exact instant, so it is kept as given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# python-dateutil ships no type information; the ignore stays harmless once stubs are installed.
from dateutil.rrule import WEEKLY, rrule  # type: ignore[import-untyped, unused-ignore]

from services.sessions.domain.working_hours import WorkingHours
from shared.errors import Invalid

WEEKLY_FREQUENCY, FORTNIGHTLY = "weekly", "fortnightly"
FREQUENCIES = (WEEKLY_FREQUENCY, FORTNIGHTLY)
# rrule's WEEKLY interval for each frequency.
_INTERVALS = {WEEKLY_FREQUENCY: 1, FORTNIGHTLY: 2}
COUNT_RANGE = (1, 52)  # at most a year of weekly sessions in one series
DURATION_RANGE = (15, 240)  # minutes
# A course begun on paper can be brought in: its first session may lie this far in the past.
BACKDATE_LIMIT = timedelta(days=90)

CLINICIAN_DOUBLE_BOOKED = "clinician_double_booked"
CLIENT_DOUBLE_BOOKED = "client_double_booked"
OUTSIDE_WORKING_HOURS = "outside_working_hours"
CONFLICT_REASONS = (CLINICIAN_DOUBLE_BOOKED, CLIENT_DOUBLE_BOOKED, OUTSIDE_WORKING_HOURS)


@dataclass(frozen=True)
class Slot:
    """A stretch of time: `start` and `end` aware and normalised to UTC on creation (naive
    datetimes are refused), `time_zone` the zone whose wall-clock it was booked in."""

    start: datetime
    end: datetime
    time_zone: str = "UTC"

    def __post_init__(self) -> None:
        zone_info(self.time_zone)
        # Frozen: normalising to UTC goes through object.__setattr__, the dataclass way.
        object.__setattr__(self, "start", as_utc(self.start, "start"))
        object.__setattr__(self, "end", as_utc(self.end, "end"))
        if self.end <= self.start:
            raise Invalid({"end": ["The end must be after the start."]})

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(zone_info(self.time_zone))

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(zone_info(self.time_zone))

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Slot) -> bool:
        """One starts before the other ends; back-to-back slots (10:00-11:00, 11:00-12:00) do not."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class ConflictItem:
    """Why a proposed slot cannot be booked as it is; `start` is that slot's start (UTC) and
    `reason` one of CONFLICT_REASONS."""

    start: datetime
    reason: str


def zone_info(time_zone: str) -> ZoneInfo:
    """The IANA zone named, or `Invalid({"time_zone": [...]})`."""
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid({"time_zone": [f"{time_zone!r} is not an IANA time zone, e.g. Europe/London."]}) from None


def as_utc(moment: datetime, field: str) -> datetime:
    """An aware datetime in UTC; a naive one is refused, since its instant is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid({field: ["Give a date and time with its UTC offset, e.g. 2026-03-02T10:00:00-05:00."]})
    return moment.astimezone(UTC)


def series(first_start: datetime, duration_minutes: int, count: int, frequency: str, time_zone: str) -> list[Slot]:
    """`count` slots of `duration_minutes`, every week or every other week from `first_start`,
    at the same local wall-clock time in `time_zone`.

    Raises `Invalid` naming every bad argument at once: `start` (naive, or an occurrence in a
    spring-forward gap), `duration_minutes` (15-240), `count` (1-52), `frequency`, `time_zone`.
    The end is the start plus the duration in elapsed time, even across a clock change."""
    _check_series(first_start, duration_minutes, count, frequency, time_zone)
    zone = zone_info(time_zone)
    first_local = first_start.astimezone(zone)
    starts = [first_local, *_later_starts(first_local, count, _INTERVALS[frequency])]
    _refuse_gaps(starts[1:], zone)
    duration = timedelta(minutes=duration_minutes)
    # Added in UTC: adding to a zoned datetime is wall-clock arithmetic, which across the
    # fall-back hour would make a 60-minute session last two hours.
    utc_starts = [start.astimezone(UTC) for start in starts]
    return [Slot(start=start, end=start + duration, time_zone=time_zone) for start in utc_starts]


def conflicts(
    proposed: list[Slot],
    clinician_busy: list[Slot],
    client_busy: list[Slot],
    hours: WorkingHours,
    time_zone: str,
) -> list[ConflictItem]:
    """Every reason each proposed slot cannot be booked, in the order of `proposed` and, for one
    slot, of CONFLICT_REASONS. Empty when all can be. `time_zone` is the clinician's: the one
    their working hours are read in. When rescheduling, leave the session being moved out of the
    busy lists, or it conflicts with itself."""
    zone = zone_info(time_zone)
    found: list[ConflictItem] = []
    for slot in proposed:
        if _overlaps_any(slot, clinician_busy):
            found.append(ConflictItem(slot.start, CLINICIAN_DOUBLE_BOOKED))
        if _overlaps_any(slot, client_busy):
            found.append(ConflictItem(slot.start, CLIENT_DOUBLE_BOOKED))
        if not hours.contains(slot.start.astimezone(zone), slot.end.astimezone(zone)):
            found.append(ConflictItem(slot.start, OUTSIDE_WORKING_HOURS))
    return found


def check_start_window(first_start: datetime, now: datetime) -> None:
    """A series may start up to 90 days in the past (exactly 90 is allowed), so a course begun
    on paper can be brought in; earlier raises `Invalid({"start": [...]})`."""
    earliest = as_utc(now, "now") - BACKDATE_LIMIT
    if as_utc(first_start, "start") < earliest:
        raise Invalid({"start": [f"A series may start at most 90 days in the past, not before {earliest:%Y-%m-%d}."]})


def _check_series(first_start: datetime, duration_minutes: int, count: int, frequency: str, time_zone: str) -> None:
    errors = _errors_of(lambda: as_utc(first_start, "start")) | _errors_of(lambda: zone_info(time_zone))
    if not DURATION_RANGE[0] <= duration_minutes <= DURATION_RANGE[1]:
        errors["duration_minutes"] = [f"A session lasts {DURATION_RANGE[0]} to {DURATION_RANGE[1]} minutes."]
    if not COUNT_RANGE[0] <= count <= COUNT_RANGE[1]:
        errors["count"] = [f"A series has {COUNT_RANGE[0]} to {COUNT_RANGE[1]} sessions."]
    if frequency not in FREQUENCIES:
        errors["frequency"] = [f"Must be one of: {', '.join(FREQUENCIES)}."]
    if errors:
        raise Invalid(errors)


def _errors_of(check: Callable[[], object]) -> dict[str, list[str]]:
    """What a check refused, so that every bad argument is named in one answer."""
    try:
        check()
    except Invalid as invalid:
        return invalid.errors
    return {}


def _later_starts(first_local: datetime, count: int, interval: int) -> list[datetime]:
    """The occurrences after the first, as local wall-clock times. rrule on an aware datetime
    keeps the wall-clock and the zone, so each gets the offset in force on its own date."""
    rule = rrule(WEEKLY, dtstart=first_local, interval=interval, count=count)
    occurrences: list[datetime] = list(rule)[1:]
    # rrule drops sub-second precision, and the fold decides an ambiguous time: fold=0, the first.
    return [o.replace(microsecond=first_local.microsecond, fold=0) for o in occurrences]


def _refuse_gaps(local_starts: list[datetime], zone: ZoneInfo) -> None:
    missing = [start for start in local_starts if not _exists(start, zone)]
    if missing:
        raise Invalid(
            {
                "start": [
                    f"{start:%H:%M} on {start:%Y-%m-%d} does not exist in {zone.key}: the clocks go forward "
                    "then. Choose another time for the series."
                    for start in missing
                ]
            }
        )


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    """A wall-clock time that does not survive a round trip through UTC lies in a
    spring-forward gap: no offset of the zone gives it."""
    round_trip = local.astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None, fold=0) == local.replace(tzinfo=None, fold=0)


def _overlaps_any(slot: Slot, busy: list[Slot]) -> bool:
    return any(slot.overlaps(other) for other in busy)
