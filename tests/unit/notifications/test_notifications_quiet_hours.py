"""Quiet hours: client messages never go at night; reminders come earlier, the rest later; staff
alerts ignore them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.notifications.domain.quiet_hours import EARLIER, IGNORE, LATER, QuietHours, fit
from tests.unit.notifications.conftest import NOW, World

NEW_YORK = ZoneInfo("America/New_York")
NIGHT = QuietHours("21:00", "08:00")


def local(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    "moment, inside",
    [
        (time(20, 59), False),
        (time(21, 0), False),
        (time(21, 1), True),
        (time(3), True),
        (time(8), False),
        (time(12), False),
    ],
)
def test_quiet_hours_across_midnight_allow_both_ends(moment, inside):
    assert NIGHT.contains(moment) is inside


def test_quiet_hours_within_a_day():
    afternoon = QuietHours("13:00", "14:00")
    assert afternoon.contains(time(13, 30)) and not afternoon.contains(time(14, 30))


def test_fit_moves_earlier_or_later_and_leaves_daytime_alone():
    assert fit(local(7), NIGHT, NEW_YORK, EARLIER) == local(21, day=1)
    assert fit(local(23), NIGHT, NEW_YORK, EARLIER) == local(21)
    assert fit(local(23), NIGHT, NEW_YORK, LATER) == local(8, day=3)
    assert fit(local(3), NIGHT, NEW_YORK, LATER) == local(8)
    assert fit(local(3), NIGHT, NEW_YORK, IGNORE) == local(3)
    assert fit(local(12), NIGHT, NEW_YORK, EARLIER) == local(12)
    assert fit(local(3), None, NEW_YORK, LATER) == local(3)


def test_a_reminder_that_would_come_at_night_comes_the_evening_before(world, client_id):
    world.client(client_id)
    start = local(9, day=4).astimezone(UTC)  # the 2-hour reminder would be at 07:00
    world.feed("sessions.session.scheduled", client_id=client_id, start=start, end=start + timedelta(minutes=50))
    times = [n.send_at.astimezone(NEW_YORK) for n in world.notifications(client_id=client_id)]
    assert times == [local(9, day=3), local(21, day=3)]


def test_too_late_for_the_evening_before_it_comes_when_the_quiet_hours_end(world, client_id):
    world.client(client_id)
    start = local(9, 30, day=3).astimezone(UTC)
    booked_at = local(22).astimezone(UTC)
    world.feed(
        "sessions.session.scheduled", at=booked_at, client_id=client_id, start=start, end=start + timedelta(minutes=50)
    )
    assert [n.send_at.astimezone(NEW_YORK) for n in world.notifications(client_id=client_id)] == [local(8, day=3)]


def test_a_client_without_quiet_hours_gets_the_reminder_at_its_time(world, client_id):
    world.client(client_id)
    from services.notifications import handlers

    handlers.set_preferences(
        client_id,
        {"channel": "sms", "opted_out": False, "quiet_hours": None},
        "staff-1",
        NOW - timedelta(minutes=1),
        world.deps.uow,
        world.deps.repos,
        world.deps.policy,
    )
    start = local(9, day=4).astimezone(UTC)
    world.feed("sessions.session.scheduled", client_id=client_id, start=start, end=start + timedelta(minutes=50))
    assert [n.send_at.astimezone(NEW_YORK) for n in world.notifications(client_id=client_id)][-1] == local(7, day=4)


def test_a_message_found_inside_new_quiet_hours_waits_for_them_to_end(world, client_id):
    from services.notifications import handlers

    world.client(client_id)
    start = local(12, day=3).astimezone(UTC)
    world.feed("sessions.session.scheduled", client_id=client_id, start=start, end=start + timedelta(minutes=50))
    handlers.set_preferences(
        client_id,
        {"channel": "sms", "opted_out": False, "quiet_hours": {"start": "09:00", "end": "11:00"}},
        "staff-1",
        NOW,
        world.deps.uow,
        world.deps.repos,
        world.deps.policy,
    )
    at = local(10, day=3).astimezone(UTC)  # the 2-hour reminder's time, now inside the client's quiet hours
    world.deliver(at)
    assert len(world.sent("sms")) == 1  # the 24-hour one, due the day before, outside them
    [waiting] = world.notifications(client_id=client_id, status="scheduled")
    assert waiting.send_at.astimezone(NEW_YORK) == local(11, day=3)


def test_staff_alerts_ignore_quiet_hours():
    world = World()
    world.feed("intake.risk.flagged", at=local(3).astimezone(UTC), client_id="c-night")
    [in_app] = world.notifications(client_id="c-night", type_="risk_alert")
    assert in_app.send_at == local(3).astimezone(UTC) and in_app.quiet_hours == "ignore"
