"""The rules table: which events plan, move and withdraw which client messages, and when."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications import bootstrap
from services.notifications.domain.rules import RULES
from shared.errors import AlreadyExists
from tests.unit.notifications.conftest import NOW, World

START = NOW + timedelta(days=3, hours=3)  # 18:00 UTC, 13:00 in New York: no reminder in quiet hours


def session(world: World, client_id: str, type_: str = "sessions.session.scheduled", **changes):
    fields = {"client_id": client_id, "session_id": "s-1", "start": START, "end": START + timedelta(minutes=50)}
    return world.feed(type_, **(fields | changes))


def scheduled(world: World, client_id: str, type_: str = "appointment_reminder") -> list:
    return world.notifications(client_id=client_id, type_=type_, status="scheduled")


def test_a_session_gets_reminders_24_and_2_hours_before(world, client_id):
    world.client(client_id)
    session(world, client_id)
    reminders = scheduled(world, client_id)
    assert [n.send_at for n in reminders] == [START - timedelta(hours=24), START - timedelta(hours=2)]
    assert {(n.channel, n.audience, n.recipient_id, n.expires_at) for n in reminders} == {
        ("sms", "client", client_id, START)
    }


def test_reminder_hours_are_set_per_program():
    world = World({"REMINDER_HOURS": "24/2,substance_use=48/3"})
    world.client("c-mh", program="mental_health")
    world.client("c-su", program="substance_use")
    for client in ("c-mh", "c-su"):
        session(world, client, session_id=f"s-{client}")
    assert [START - n.send_at for n in scheduled(world, "c-su")] == [timedelta(hours=48), timedelta(hours=3)]
    assert [START - n.send_at for n in scheduled(world, "c-mh")] == [timedelta(hours=24), timedelta(hours=2)]


def test_a_reschedule_moves_the_reminders(world, client_id):
    world.client(client_id)
    session(world, client_id)
    later = START + timedelta(days=1)
    session(
        world,
        client_id,
        "sessions.session.rescheduled",
        start=later,
        end=later + timedelta(minutes=50),
        previous_start=START,
    )
    assert [n.send_at for n in scheduled(world, client_id)] == [later - timedelta(hours=24), later - timedelta(hours=2)]
    assert len(world.notifications(client_id=client_id, status="withdrawn")) == 2


def test_a_cancellation_withdraws_them(world, client_id):
    world.client(client_id)
    session(world, client_id)
    session(world, client_id, "sessions.session.cancelled", cancelled_by="client", late_cancellation=False)
    assert scheduled(world, client_id) == []
    assert [n.status for n in world.notifications(client_id=client_id)] == ["withdrawn", "withdrawn"]


def test_a_missed_session_gets_a_follow_up_an_hour_after_it_ended(world, client_id):
    world.client(client_id)
    start = NOW - timedelta(hours=1)
    session(world, client_id, "sessions.session.no_show", start=start, end=start + timedelta(minutes=50))
    [follow_up] = scheduled(world, client_id, "missed_session")
    assert follow_up.send_at == start + timedelta(minutes=110)
    assert "we missed you" in follow_up.body


def test_a_no_show_recorded_late_sends_its_follow_up_at_once(world, client_id):
    world.client(client_id)
    start = NOW - timedelta(days=1)
    session(world, client_id, "sessions.session.no_show", start=start, end=start + timedelta(minutes=50))
    assert [n.send_at for n in scheduled(world, client_id, "missed_session")] == [NOW]


def test_a_self_report_link_goes_when_it_opens_with_its_reminder_and_both_are_withdrawn(world, client_id):
    world.client(client_id, channel="email")
    opens = NOW + timedelta(days=1)
    world.feed(
        "outcomes.self_report.offered",
        client_id=client_id,
        available_from=opens,
        expires_at=opens + timedelta(days=4),
        offered_at=NOW,
    )
    assert [n.send_at for n in scheduled(world, client_id, "self_report_link")] == [opens]
    assert [n.send_at for n in scheduled(world, client_id, "self_report_reminder")] == [opens + timedelta(days=2)]
    world.feed("outcomes.self_report.withdrawn", client_id=client_id, reason="completed", withdrawn_at=NOW)
    assert world.notifications(client_id=client_id, status="scheduled") == []


def test_a_reminder_already_past_is_not_sent(world, client_id):
    world.client(client_id)
    soon = NOW + timedelta(hours=5)
    session(world, client_id, start=soon, end=soon + timedelta(minutes=50))
    assert [n.send_at for n in scheduled(world, client_id)] == [soon - timedelta(hours=2)]


@pytest.mark.parametrize("channel", ["none"])
def test_a_client_who_wants_no_messages_gets_none_planned(world, client_id, channel):
    world.client(client_id, channel=channel)
    session(world, client_id)
    assert world.notifications(client_id=client_id) == []


def test_the_same_event_delivered_twice_plans_once(world, client_id):
    world.client(client_id)
    session(world, client_id, event_id="event-1")
    with pytest.raises(AlreadyExists):  # the consumer records it as a duplicate and moves on
        session(world, client_id, event_id="event-1")
    assert len(world.notifications(client_id=client_id)) == 2


def test_every_rule_is_routed_and_every_route_declared():
    routed = set(bootstrap.event_handlers(bootstrap.fake_dependencies()))
    assert set(RULES) <= routed
    for event_rule in RULES.values():
        for rule in event_rule.makes:
            assert rule.timing.if_late in ("drop", "now")


def test_bad_settings_stop_the_service_naming_them():
    for env, name in (
        ({"REMINDER_HOURS": "detox=24"}, "REMINDER_HOURS"),
        ({"REMINDER_HOURS": "24/soon"}, "REMINDER_HOURS"),
        ({"ALERT_ESCALATION_MINUTES": "routine=5"}, "ALERT_ESCALATION_MINUTES"),
        ({"CLIENT_QUIET_HOURS": "late"}, "quiet hours"),
        ({"ALERT_LINK_TEMPLATE": "http://x/alerts"}, "ALERT_LINK_TEMPLATE"),
    ):
        with pytest.raises(ValueError, match=name):
            bootstrap.fake_dependencies(env)
