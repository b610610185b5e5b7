"""When a rule's messages go: from the event's anchor, the policy's offsets and quiet hours."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from services.notifications.domain.policy import Policy
from services.notifications.domain.quiet_hours import EARLIER, LATER, QuietHours, fit
from services.notifications.domain.rules import AT_ONCE, Rule


def send_times(
    rule: Rule, data: Mapping[str, Any], now: datetime, policy: Policy, program: str | None, quiet: QuietHours | None
) -> list[tuple[timedelta, datetime]]:
    """(offset, moment) for each message of `rule` still worth sending, earliest first."""
    anchor: datetime = now if rule.timing.anchor == AT_ONCE else data[rule.timing.anchor]
    expires: datetime | None = data[rule.timing.expires] if rule.timing.expires else None
    times = []
    for offset in policy.offsets(rule.timing.offsets, program):
        moment = when(anchor + offset, now, expires, quiet, policy, rule)
        if moment is not None:
            times.append((offset, moment))
    return sorted(times, key=lambda pair: pair[1])


def when(
    due: datetime, now: datetime, expires: datetime | None, quiet: QuietHours | None, policy: Policy, rule: Rule
) -> datetime | None:
    """The moment a message due at `due` goes, or None when it is no longer worth sending."""
    if due < now:
        if rule.timing.if_late != "now":
            return None
        due = now
    moment = fit(due, quiet, policy.time_zone, rule.quiet_hours)
    if moment < now and rule.quiet_hours == EARLIER:
        # Too late to send before the quiet hours began: after them, if that is still in time.
        moment = fit(due, quiet, policy.time_zone, LATER)
    if expires is not None and moment >= expires:
        return None
    return max(moment, now)
