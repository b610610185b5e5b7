"""The settings notifications follow, as plain values (read from the environment in bootstrap)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from services.notifications.domain.quiet_hours import QuietHours
from shared.vocabulary import HIGH, URGENT

ANY_PROGRAM = "*"


@dataclass(frozen=True)
class Senders:
    """Who client messages come from. Part 2 clients (substance use, co-occurring) get a sender,
    a place and a video link that say nothing of the program."""

    email: str = "IPT Centre <appointments@ipt.local>"
    email_part2: str = "Appointments <appointments@ipt.local>"
    sms: str = "+15550000000"
    sms_part2: str = "+15550000000"
    place: str = "the centre"
    place_part2: str = "the centre"
    video_link: str = ""  # e.g. "https://video.example.org/j/{session_id}"; empty: the clinician sends it
    staff_email: str = "IPT alerts <alerts@ipt.local>"
    alert_link: str = "http://127.0.0.1:8002/ui/alerts/{alert_id}"


@dataclass(frozen=True)
class Policy:
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("America/New_York"))
    # Hours before a session each reminder goes, per program ("*": every other program).
    reminder_hours: Mapping[str, tuple[float, ...]] = field(default_factory=lambda: {ANY_PROGRAM: (24.0, 2.0)})
    missed_session_delay: timedelta = timedelta(hours=1)
    self_report_reminder_delay: timedelta = timedelta(days=2)
    quiet_hours: QuietHours | None = field(default_factory=lambda: QuietHours("21:00", "08:00"))
    escalation: Mapping[str, timedelta] = field(
        default_factory=lambda: {URGENT: timedelta(minutes=15), HIGH: timedelta(hours=1)}
    )
    retry_initial: timedelta = timedelta(seconds=5)
    retry_max: timedelta = timedelta(minutes=10)
    # A send that started this long ago without an outcome (the worker died) is tried again.
    in_flight_lease: timedelta = timedelta(minutes=2)
    senders: Senders = field(default_factory=Senders)

    def offsets(self, setting: str, program: str | None) -> tuple[timedelta, ...]:
        """The offsets from a rule's anchor that the setting `setting` names."""
        if setting == "":
            return (timedelta(0),)
        if setting == "reminder_hours":
            hours = self.reminder_hours.get(program or ANY_PROGRAM, self.reminder_hours[ANY_PROGRAM])
            return tuple(-timedelta(hours=h) for h in hours)
        delays = {
            "missed_session_delay": self.missed_session_delay,
            "self_report_reminder_delay": self.self_report_reminder_delay,
        }
        return (delays[setting],)

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff from `retry_initial`, never above `retry_max`."""
        factor: int = 2 ** min(max(attempts - 1, 0), 32)
        return min(self.retry_max, self.retry_initial * factor)
