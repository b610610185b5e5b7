"""Nothing notifications e-mails about a substance-use client is 42 CFR Part 2 information: the
client's reminder and the staff alert name no program and no instrument, so neither is a
disclosure needing consent (outcomes' FHIR export is: services/outcomes/domain/disclosure.py)."""

from __future__ import annotations

from datetime import timedelta

from services.notifications import handlers
from shared.instruments.registry import INSTRUMENTS
from shared.vocabulary import PART2_PROGRAMS, PROGRAMS
from tests.unit.notifications.conftest import NOW, World

PART2_WORDS = (*PROGRAMS, "substance", "co-occurring", "alcohol", "drug", "addiction", "42 cfr", "part 2")


def test_a_substance_use_clients_reminder_and_staff_alert_email_carry_nothing_part2(client_id):
    world = World()
    world.client(client_id, program="substance_use", channel="email")
    assert "substance_use" in PART2_PROGRAMS
    deps = world.deps
    handlers.set_on_call({"clinician": "oc", "supervisor": "sp", "clinical_lead": "cl"}, "a", NOW, deps.uow, deps.repos)
    handlers.set_staff_member("oc", "oc@staff.example.org", "a", NOW, deps.uow, deps.repos)
    start = NOW + timedelta(days=3)
    world.feed(
        "sessions.session.scheduled", client_id=client_id, session_id="s-1", start=start, end=start + timedelta(hours=1)
    )
    world.feed("intake.risk.flagged", client_id=client_id, urgency="urgent", source="cssrs", instrument="cssrs")
    world.deliver(NOW)
    world.deliver(start - timedelta(hours=1))
    sent = world.sent("email")
    kinds = {n.type for n in world.notifications(status="sent")}
    assert {"appointment_reminder"} <= kinds and len(kinds) >= 2, kinds  # the reminder and the staff alert
    assert {message.to for message in sent} >= {"alex@example.org", "oc@staff.example.org"}
    instruments = {code for code in INSTRUMENTS} | {i.name.lower() for i in INSTRUMENTS.values()}
    for message in sent:
        text = f"{message.sender}\n{message.subject}\n{message.body}".lower()
        for word in (*PART2_WORDS, *instruments):
            assert word.lower() not in text, f"{word!r} in an e-mail about a substance-use client: {text}"
