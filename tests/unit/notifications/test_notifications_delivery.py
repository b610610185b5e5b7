"""Delivery: passing faults are retried with backoff, refusals recorded as failed, and no message
goes twice — not for a redelivered event, not after a crash between sending and recording."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications import handlers
from services.notifications.domain.delivery import OutgoingMessage, PermanentFailure, TransientFailure
from tests.unit.notifications.conftest import NOW, World

START = NOW + timedelta(days=3, hours=3)


class Flaky:
    """A provider that fails as told, then accepts; it keeps every message it accepted."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[OutgoingMessage] = []
        self.calls = 0

    def send(self, message: OutgoingMessage) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


def booked(world: World, client_id: str, **changes) -> None:
    world.client(client_id, **changes)
    world.feed("sessions.session.scheduled", client_id=client_id, start=START, end=START + timedelta(minutes=50))


def test_a_due_reminder_is_sent_once_and_recorded(world, client_id):
    booked(world, client_id)
    first = START - timedelta(hours=24)
    assert world.deliver(first - timedelta(seconds=1)) == 0
    assert world.deliver(first) == 1
    assert world.deliver(first + timedelta(minutes=5)) == 0
    [message] = world.sent("sms")
    assert message.to == "+15550100" and message.sender == world.deps.policy.senders.sms
    sent = world.notifications(client_id=client_id, status="sent")
    assert [(n.sent_at, n.attempts) for n in sent] == [(first, 1)]
    assert message.idempotency_key == sent[0].id
    assert [e.type for e in world.outbox] == ["notifications.sent"]


def test_an_outage_delays_with_backoff_but_loses_nothing(world, client_id):
    provider = Flaky(TransientFailure("sms_http_503"), TransientFailure("sms_URLError"))
    world.deps.channels = {**world.deps.channels, "sms": provider}
    booked(world, client_id)
    due = START - timedelta(hours=24)
    world.deliver(due)
    [waiting] = world.notifications(client_id=client_id, status="scheduled")[:1]
    assert waiting.send_at == due + timedelta(seconds=5) and waiting.reason == "sms_http_503"
    world.deliver(due + timedelta(seconds=5))
    assert world.notifications(client_id=client_id, status="scheduled")[0].send_at == due + timedelta(seconds=15)
    world.deliver(due + timedelta(seconds=15))
    assert provider.calls == 3 and len(provider.sent) == 1
    [sent] = world.notifications(client_id=client_id, status="sent")
    assert sent.attempts == 3 and sent.reason is None


def test_a_refusal_is_recorded_as_failed_and_announced(world, client_id):
    world.deps.channels = {**world.deps.channels, "sms": Flaky(PermanentFailure("sms_http_400"))}
    booked(world, client_id)
    world.deliver(START - timedelta(hours=24))
    [failed] = world.notifications(client_id=client_id, status="failed")
    assert failed.reason == "rejected"
    [event] = [e for e in world.outbox if e.type == "notifications.failed"]
    assert event.data["reason"] == "rejected" and event.data["notification_id"] == failed.id


def test_retries_stop_when_the_message_no_longer_matters(world, client_id):
    world.deps.channels = {**world.deps.channels, "sms": Flaky(*[TransientFailure("down")] * 100)}
    booked(world, client_id)
    moment = START - timedelta(hours=2)
    while world.notifications(client_id=client_id, status="scheduled"):
        world.deliver(moment)
        moment += timedelta(minutes=10)
    assert {n.reason for n in world.notifications(client_id=client_id)} == {"expired"}


def test_a_send_whose_outcome_was_never_recorded_is_sent_again_with_the_same_key(world, client_id):
    booked(world, client_id)
    due = START - timedelta(hours=24)
    [notification] = world.deps.repos.notifications.due(due, world.deps.policy.in_flight_lease)
    notification.begin_attempt(due)  # the intent was recorded, then the worker died mid-send
    uow = world.deps.uow()
    world.deps.repos.notifications.save(notification, uow)
    uow.commit()
    assert world.deliver(due + timedelta(seconds=30)) == 0  # someone may still be sending it
    assert world.deliver(due + timedelta(minutes=2)) == 1
    [resent] = world.sent("sms")
    assert resent.idempotency_key == notification.id


def test_the_client_choices_are_read_again_when_it_goes(world, client_id):
    booked(world, client_id)
    deps = world.deps
    handlers.set_preferences(
        client_id,
        {"channel": "email", "opted_out": False, "quiet_hours": None},
        "staff",
        NOW,
        deps.uow,
        deps.repos,
        deps.policy,
    )
    world.deliver(START - timedelta(hours=24))
    assert [m.to for m in world.sent("email")] == ["alex@example.org"] and world.sent("sms") == []
    handlers.set_preferences(
        client_id,
        {"channel": "email", "opted_out": True, "quiet_hours": None},
        "staff",
        NOW,
        deps.uow,
        deps.repos,
        deps.policy,
    )
    world.deliver(START - timedelta(hours=2))
    assert len(world.sent("email")) == 1
    assert [n.status for n in world.notifications(client_id=client_id)] == ["sent", "withdrawn"]


def test_a_later_correction_at_intake_wins_over_an_earlier_preference(world, client_id):
    world.client(client_id, channel="sms")
    deps = world.deps
    handlers.set_preferences(
        client_id,
        {"channel": "email", "opted_out": False, "quiet_hours": None},
        "staff",
        NOW,
        deps.uow,
        deps.repos,
        deps.policy,
    )
    assert handlers.preferences_of(client_id, deps.repos, deps.policy)["channel"] == "email"
    world.feed(
        "intake.client.updated",
        client_id=client_id,
        changed_fields=["preferred_channel"],
        preferred_channel="sms",
        updated_at=NOW + timedelta(hours=1),
    )
    preferences = handlers.preferences_of(client_id, deps.repos, deps.policy)
    assert preferences["channel"] == "sms" and preferences["quiet_hours"] is None


def test_a_message_withdrawn_while_it_was_going_is_recorded_as_sent(world, client_id):
    booked(world, client_id)
    due = START - timedelta(hours=24)
    deps = world.deps

    class CancelledMeanwhile:
        def send(self, message: OutgoingMessage) -> None:
            world.feed(
                "sessions.session.cancelled", client_id=client_id, cancelled_by="client", late_cancellation=False
            )

    deps.channels = {**deps.channels, "sms": CancelledMeanwhile()}
    [notification] = deps.repos.notifications.due(due, deps.policy.in_flight_lease)
    handlers.deliver(notification, due, deps.uow, deps.repos, deps.policy, deps.channels, lambda: due)
    assert deps.repos.notifications.get(notification.id).status == "sent"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://sms.example.org", "sms.example.org/api"])
def test_the_sms_provider_is_only_ever_a_web_api(url):
    from services.notifications import settings

    with pytest.raises(ValueError, match="SMS_API_URL"):
        settings.sms({"SMS_API_URL": url})
    assert settings.sms({"SMS_API_URL": "https://api.sms.example.org"}).api_url.startswith("https://")
