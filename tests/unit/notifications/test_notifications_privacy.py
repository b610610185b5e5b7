"""Client messages carry the minimum, and nothing a substance-use or co-occurring client receives
(sender, text or link) reveals what they are treated for; staff e-mails carry no client details."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from services.notifications import bootstrap
from shared.instruments.registry import INSTRUMENTS
from shared.vocabulary import PROGRAMS
from tests.unit.notifications.conftest import NOW, World

SECRET_LINK = "http://127.0.0.1:8003/r/Xk3v9QeZr2YwLs8TnA4bUc"
FORBIDDEN = (
    *PROGRAMS,
    "substance",
    "addiction",
    "alcohol",
    "drug",
    "detox",
    "rehab",
    "recovery",
    "co-occurring",
    "depress",
    "anxiety",
    "score",
    "result",
    "severity",
    "diagnos",
    "program",
)


def every_client_message(world: World, client_id: str) -> None:
    """One of each kind of client message, in each modality, all sent."""
    start = NOW + timedelta(days=3, hours=3)
    for number, modality in enumerate(("in_person", "video", "phone")):
        at = start + timedelta(days=number)
        world.feed(
            "sessions.session.scheduled",
            client_id=client_id,
            session_id=f"s-{number}",
            modality=modality,
            start=at,
            end=at + timedelta(minutes=50),
        )
    missed = NOW - timedelta(hours=3)
    world.feed("sessions.session.no_show", client_id=client_id, session_id="s-x", start=missed, end=missed)
    world.feed(
        "outcomes.self_report.offered",
        client_id=client_id,
        link=SECRET_LINK,
        available_from=NOW,
        expires_at=NOW + timedelta(days=4),
        offered_at=NOW,
    )
    world.deliver(NOW + timedelta(days=10))


@pytest.mark.parametrize("program", ["substance_use", "co_occurring"])
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_no_client_message_for_a_part2_client_names_the_program_or_any_result(program, channel, client_id):
    world = World({"VIDEO_LINK_TEMPLATE": "https://video.example.org/j/{session_id}"})
    world.client(client_id, program=program, channel=channel)
    every_client_message(world, client_id)
    sent = world.sent(channel)
    kinds = {n.type for n in world.notifications(client_id=client_id, status="sent")}
    assert kinds == {"appointment_reminder", "missed_session", "self_report_link", "self_report_reminder"}
    assert len(sent) == len(world.notifications(client_id=client_id, status="sent")) >= 6
    instruments = {code for code in INSTRUMENTS} | {i.name.lower() for i in INSTRUMENTS.values()}
    for message in sent:
        text = f"{message.sender}\n{message.subject}\n{message.body}".lower()
        for word in (*FORBIDDEN, *instruments):
            assert word.lower() not in text, f"{word!r} in a message to a {program} client: {text}"
        assert not re.search(r"\b\d+\s*/\s*\d+\b", text), "no score-like figure"
        assert message.sender in (world.deps.policy.senders.email_part2, world.deps.policy.senders.sms_part2)
        assert "Alex" in message.body and "Example" not in message.body  # the first name only


def test_a_revealing_part2_sender_or_place_stops_the_service():
    for name, value in (
        ("MAIL_FROM_PART2", "Riverside Addiction Services <x@example.org>"),
        ("SESSION_PLACE_PART2", "the Detox Unit, 3rd floor"),
        ("VIDEO_LINK_TEMPLATE", "https://recovery-video.example.org/{session_id}"),
    ):
        with pytest.raises(ValueError, match=name):
            bootstrap.fake_dependencies({name: value})


def test_a_one_time_link_is_sent_but_never_shown(client_id):
    world = World()
    world.client(client_id, channel="email")
    world.feed(
        "outcomes.self_report.offered",
        client_id=client_id,
        link=SECRET_LINK,
        available_from=NOW,
        expires_at=NOW + timedelta(days=4),
    )
    shown = world.notifications(client_id=client_id)
    assert shown and all(SECRET_LINK not in n.body for n in shown)
    world.deliver(NOW)
    [sent] = world.sent("email")
    assert SECRET_LINK in sent.body
    assert all(SECRET_LINK not in str(e.data) for e in world.outbox)


def test_staff_alert_emails_name_no_client_instrument_score_or_program(client_id):
    world = World()
    world.client(client_id, program="substance_use")
    from services.notifications import handlers

    deps = world.deps
    handlers.set_on_call({"clinician": "oc", "supervisor": "sp", "clinical_lead": "cl"}, "a", NOW, deps.uow, deps.repos)
    handlers.set_staff_member("oc", "oc@staff.example.org", "a", NOW, deps.uow, deps.repos)
    world.feed("intake.risk.flagged", client_id=client_id, urgency="urgent", source="phq9_item9", instrument="phq9")
    world.deliver(NOW)
    [sent] = world.sent("email")
    alert = deps.repos.alerts.for_flag("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")
    text = f"{sent.subject}\n{sent.body}".lower()
    assert "urgent" in text and alert.id in text
    for word in ("alex", client_id, "phq", "item 9", "substance", "score", "suicid"):
        assert word not in text


def test_delivery_events_carry_no_address_or_text(client_id):
    world = World()
    world.client(client_id)
    every_client_message(world, client_id)
    for event in world.outbox:
        assert not {"to", "body", "subject", "address", "email", "phone", "link"} & set(event.data)
        assert "+15550100" not in str(event.data) and "Alex" not in str(event.data)
