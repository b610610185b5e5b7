from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.intake.domain.client import Client, Contact, Registration

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def registration(**changes) -> Registration:
    fields = dict(
        given_name="Sam",
        family_name="Rivera",
        date_of_birth=date(1990, 5, 17),
        program="co_occurring",
        contact=Contact(email="s@example.org", phone="+15550101"),
        preferred_channel="sms",
    )
    fields.update(changes)
    return Registration(**fields)


@pytest.fixture
def client() -> Client:
    registered = Client.register(registration(), by="staff-1", now=NOW)
    registered.clear_events()
    return registered
