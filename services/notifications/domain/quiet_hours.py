"""Quiet hours: the hours of the night no client message is sent in (staff alerts ignore them).

Both ends are allowed moments: with 21:00-08:00 a message may go at 21:00 or at 08:00, never
between. A reminder is moved earlier (to the start of the quiet hours), so it still comes before
the appointment; anything else waits until they end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

EARLIER, LATER, IGNORE = "earlier", "later", "ignore"
QUIET_HOURS_POLICIES = (EARLIER, LATER, IGNORE)


@dataclass(frozen=True)
class QuietHours:
    start: str  # "HH:MM", local to the client
    end: str

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """From "21:00-08:00"; ValueError names the expected form."""
        start, separator, end = text.strip().partition("-")
        if not separator:
            raise ValueError(f"quiet hours {text!r} are not HH:MM-HH:MM")
        hours = cls(start.strip(), end.strip())
        hours.check()
        return hours

    def check(self) -> None:
        for value in (self.start, self.end):
            try:
                time.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a time of day (HH:MM)") from None
            if len(value) != 5:
                raise ValueError(f"{value!r} is not a time of day (HH:MM)")
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")

    @property
    def starts(self) -> time:
        return time.fromisoformat(self.start)

    @property
    def ends(self) -> time:
        return time.fromisoformat(self.end)

    def contains(self, moment: time) -> bool:
        """Strictly inside: the start and the end themselves are allowed."""
        if self.starts < self.ends:
            return self.starts < moment < self.ends
        return moment > self.starts or moment < self.ends

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


def fit(moment: datetime, quiet: QuietHours | None, zone: ZoneInfo, policy: str) -> datetime:
    """`moment` if it is outside the quiet hours; else their start (EARLIER) or end (LATER)."""
    if quiet is None or policy == IGNORE:
        return moment
    local = moment.astimezone(zone)
    if not quiet.contains(local.time()):
        return moment
    if policy == EARLIER:
        day = local.date() if local.time() > quiet.starts else local.date() - timedelta(days=1)
        return datetime.combine(day, quiet.starts, tzinfo=zone).astimezone(moment.tzinfo)
    day = local.date() if local.time() < quiet.ends else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet.ends, tzinfo=zone).astimezone(moment.tzinfo)
