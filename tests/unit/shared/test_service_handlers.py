"""Use cases with fake adapters: what each service stores and which events it publishes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from services.intake import bootstrap as intake
from services.intake.domain.client import Contact, Registration
from services.intake.handlers import register_client
from services.notifications import bootstrap as notifications
from services.notifications.domain.recipient import Recipient
from services.notifications.handlers import recipient_status
from services.outcomes import bootstrap as outcomes
from services.sessions import bootstrap as sessions
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
REGISTERED = contract_for("intake.client.registered", 1)


def registered_event() -> tuple[Envelope, dict]:
    event = Envelope(
        type=REGISTERED.type,
        version=1,
        source="intake",
        subject=REGISTERED.example["client_id"],
        data=REGISTERED.example,
        time=NOW,
        correlation_id="chain-5",
    )
    return event, read_incoming(event.type, event.version, event.data)


def test_register_client_publishes_one_registered_event_and_commits():
    registration = Registration(
        given_name="Sam",
        family_name="Rivera",
        date_of_birth=date(1985, 2, 3),
        program="substance_use",
        contact=Contact(email="s@example.org"),
        preferred_channel="email",
    )
    deps = intake.fake_dependencies()
    uow, repos = deps.uow(), deps.repos
    client = register_client(registration, by="staff-1", now=NOW, uow=uow, repos=repos)
    assert uow.committed
    assert repos.clients.get(client.id).registration == registration
    [event] = uow.events
    assert (event.type, event.version, event.subject, event.source) == (REGISTERED.type, 1, client.id, "intake")
    assert event.data == {
        "client_id": client.id,
        "given_name": "Sam",
        "family_name": "Rivera",
        "date_of_birth": "1985-02-03",
        "program": "substance_use",
        "contact": {"email": "s@example.org", "phone": None},
        "preferred_channel": "email",
        "registered_at": NOW.isoformat(),
        "registered_by": "staff-1",
    }


def test_sessions_opens_a_pending_episode_caused_by_the_registration():
    deps = sessions.fake_dependencies()
    event, data = registered_event()
    uow = deps.uow(cause=event)
    sessions.event_handlers(deps)[REGISTERED.type](event, data, uow)
    assert uow.committed
    [episode] = deps.repos.episodes.for_client(data["client_id"])
    assert (episode.status, episode.program, episode.opened_at) == ("pending", "co_occurring", NOW)
    [opened] = uow.events
    assert (opened.type, opened.subject, opened.source) == ("sessions.episode.opened", data["client_id"], "sessions")
    assert opened.causation_id == event.id
    assert opened.correlation_id == "chain-5"
    assert opened.data == {
        "episode_id": episode.id,
        "client_id": data["client_id"],
        "status": "pending",
        "program": "co_occurring",
        "opened_at": NOW.isoformat(),
    }


def test_outcomes_keeps_only_de_identified_fields():
    deps = outcomes.fake_dependencies()
    event, data = registered_event()
    uow = deps.uow(cause=event)
    outcomes.event_handlers(deps)[REGISTERED.type](event, data, uow)
    assert uow.committed and uow.events == []
    [enrolment] = deps.repos.enrolments.all()
    assert asdict(enrolment) == {
        "client_id": data["client_id"],
        "program": "co_occurring",
        "registered_at": data["registered_at"],
    }
    assert "Alex" not in repr(deps.memory.collections)


def test_notifications_remembers_the_recipient():
    deps = notifications.fake_dependencies()
    event, data = registered_event()
    uow = deps.uow(cause=event)
    notifications.event_handlers(deps)[REGISTERED.type](event, data, uow)
    assert uow.committed and uow.events == []
    status = recipient_status(data["client_id"], deps.recipients)
    assert status == {"client_id": data["client_id"], "preferred_channel": "sms", "reachable": True}


@pytest.mark.parametrize(
    "channel, email, phone, reachable",
    [
        ("sms", None, "+15550100", True),
        ("sms", "a@example.org", None, False),
        ("sms", None, "", False),
        ("email", "a@example.org", None, True),
        ("email", None, "+15550100", False),
        ("none", "a@example.org", "+15550100", False),
        ("none", None, None, False),
    ],
)
def test_recipient_is_reachable_only_on_its_chosen_channel(channel, email, phone, reachable):
    recipient = Recipient(client_id="c", given_name="A", preferred_channel=channel, email=email, phone=phone)
    assert recipient.reachable is reachable


def test_routing_tables_match_the_declared_consumers():
    from shared.contracts import all_contracts

    services = (("intake", intake), ("sessions", sessions), ("outcomes", outcomes), ("notifications", notifications))
    for name, bootstrap in services:
        routed = set(bootstrap.event_handlers(bootstrap.fake_dependencies()))
        declared = {c.type for c in all_contracts() if name in c.consumers}
        assert routed == declared, name
        assert name == "intake" or REGISTERED.type in routed
